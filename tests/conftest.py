"""Fixture chain: a fresh temporary store and index -> settings -> app -> client."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.collection import write_collection
from app.core.content import CaseStudyFile
from app.main import create_app
from testkit.factories import sample_collection
from tests.postgres import PostgresServer, start_postgres


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "collection"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run, started only if a test asks for it."""
    yield from start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each API test runs on SQLite and again on PostgreSQL, each time on an empty store."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def settings(tmp_path: Path, data_dir: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        index_dir=tmp_path / "index",
        data_dir=data_dir,
        index_sync_seconds=0.1,
        rate_limit="off",  # the rate-limit tests turn it on
        log_format="text",
        trusted_hosts=["testserver"],  # the test client's Host
    )


@pytest.fixture
def studies() -> list[CaseStudyFile]:
    return sample_collection()


MakeClient = Callable[[list[CaseStudyFile]], TestClient]


@pytest.fixture
def make_client(settings: Settings, data_dir: Path) -> MakeClient:
    """Return a factory: the app started over a collection of the given case studies."""

    def make(collection: list[CaseStudyFile]) -> TestClient:
        write_collection(data_dir, collection)
        return TestClient(create_app(settings))

    return make


@pytest.fixture
def client(make_client: MakeClient, studies: list[CaseStudyFile]) -> Iterator[TestClient]:
    with make_client(studies) as test_client:
        yield test_client
