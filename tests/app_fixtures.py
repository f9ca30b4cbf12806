"""Fixture chain: a fresh temporary store and index -> settings -> app -> client.

A plugin that tests/conftest.py registers in every process that runs tests, not in the
pytest-xdist controller, which runs none: importing the app here took it ~4 s of CPU before
the workers started (measured)."""

import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.core.content import CaseStudyFile
from app.main import create_app
from app.store.db import init_db, make_engine
from testkit import servers
from testkit.factories import sample_collection
from tests.postgres import PostgresServer, start_postgres
from tests.seeded import Prepare, SeededStores, ServerPrepare

# The real servers of tests/e2e and tests/browser are forked from a process that has imported the
# service once (testkit/forks.py), not started as new interpreters: ~4 s of CPU less a server.
servers.fork_servers()

# In CI the property tests draw the same examples every run (a landing is not decided by which
# examples a run happened to draw); locally they draw new ones, and keep what failed. Nor is it
# decided by the machine's speed: Hypothesis's per-example deadline (200 ms of wall clock) and
# its "too slow" health check time examples, and CI runs at a load of about 10.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _app_threads() -> set[threading.Thread]:
    """The background threads the app's code started that are still running (index sync,
    the allowed websites' poll, the mail sender…): each runs a method of an app.* class."""
    return {
        thread
        for thread in threading.enumerate()
        if getattr(getattr(thread, "_target", None), "__module__", "").startswith("app.")
    }


_reported: set[threading.Thread] = set()


def _left_running(before: set[threading.Thread], when: str) -> None:
    left = _app_threads() - before - _reported
    deadline = time.monotonic() + 15  # one still finishing its last round on a loaded machine
    for thread in left:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    left = {thread for thread in left if thread.is_alive()}
    if left:
        _reported.update(left)
        names = ", ".join(sorted(thread.name for thread in left))
        pytest.fail(
            f"{when} left the app's background threads running ({names}): an app started "
            "(its lifespan entered, a TestClient used as a context manager) was not stopped",
            pytrace=False,
        )


@pytest.fixture(autouse=True, scope="module")
def _apps_stopped_by_module_end() -> Iterator[None]:
    """A module's shared apps are stopped when it ends (else their polls outlive the store and
    the PostgreSQL server they read, logging failures until the run exits)."""
    before = _app_threads()
    yield
    _left_running(before, "this module")


@pytest.fixture(autouse=True)
def _apps_stopped_by_test_end() -> Iterator[None]:
    """Every app a test starts is stopped by the end of the test."""
    before = _app_threads()
    yield
    _left_running(before, "this test")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "collection"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run, started only if a test asks for it."""
    yield from start_postgres()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        init_db(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store migrated once for the run; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    """A database migrated once for the run; each test's is made from it (CREATE DATABASE …
    TEMPLATE), which takes a fraction of running the migrations again."""
    name = "bf_template"
    _migrate(postgres.new_database(name=name))
    return name


def _empty_store(request: pytest.FixtureRequest, backend: str, folder: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, folder / "store.db")
        return f"sqlite:///{folder / 'store.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database(template=request.getfixturevalue("postgres_template"))


def _sync_seconds(request: pytest.FixtureRequest) -> float:
    """How often a test's app polls its store for changes made elsewhere (the index sync, the
    allowed websites, the curation): every 0.1 s for a test marked quick_sync, which waits for
    such a change; else every second, as the app's default. Each poll reads the store, and at
    0.1 s an app idled at ~5% of a core (measured); its own changes it takes in at once."""
    return 0.1 if request.node.get_closest_marker("quick_sync") else 1.0


def _settings(folder: Path, data_dir: Path, database_url: str, sync_seconds: float) -> Settings:
    # A quick_sync test waits for the index sync; the alert job's rounds (every minute) catch
    # the index up too, so it is off there: else a sync that never ran was hidden by the job's
    # first round, inside the tests' 60 s waits.
    quiet = {"alert_send_seconds": 0.0} if sync_seconds < 1.0 else {}
    return Settings(
        database_url=database_url,
        index_dir=folder / "index",
        data_dir=data_dir,
        outbox_dir=folder / "outbox",  # mail without SMTP_URL lands here, not in var/
        index_sync_seconds=sync_seconds,
        **quiet,
        rate_limit="off",  # the rate-limit tests turn it on
        log_format="text",
        trusted_hosts=["testserver"],  # the test client's Host
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, seeded_stores: SeededStores
) -> Iterator[str]:
    """Each API test runs on SQLite and again on PostgreSQL, each time on an empty store
    with the current schema (tests of the migrations themselves start from nothing). For a
    test with the `client` fixture, the PostgreSQL database is made by prepare_store, straight
    from a seeded one, rather than made empty here only to be replaced. A PostgreSQL server in
    memory drops the test's database when the test ends (tests/postgres.py says why)."""
    if request.param == "sqlite":
        yield _empty_store(request, request.param, tmp_path)
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    if "client" in request.fixturenames:
        url = seeded_stores.defer(server.url_of("t_" + uuid.uuid4().hex[:16]))
    else:
        url = _empty_store(request, request.param, tmp_path)
    yield url
    if server.in_memory:
        server.drop_database(url)


@pytest.fixture
def settings(
    request: pytest.FixtureRequest, tmp_path: Path, data_dir: Path, database_url: str
) -> Settings:
    return _settings(tmp_path, data_dir, database_url, _sync_seconds(request))


@pytest.fixture(scope="session")
def seeded_stores(tmp_path_factory: pytest.TempPathFactory) -> SeededStores:
    return SeededStores(tmp_path_factory)


def _empty_store_like(request: pytest.FixtureRequest, url: str) -> Callable[[Path], str]:
    """Make an empty store on the same backend as `url` (for SeededStores to seed)."""
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    return lambda folder: _empty_store(request, backend, folder)


def _preparer(request: pytest.FixtureRequest, seeded_stores: SeededStores) -> Prepare:
    def prepare(settings: Settings, collection: list[CaseStudyFile]) -> None:
        empty_store = _empty_store_like(request, settings.database_url)
        seeded_stores.prepare(request, settings, collection, empty_store)

    return prepare


@pytest.fixture
def prepare_store(request: pytest.FixtureRequest, seeded_stores: SeededStores) -> Prepare:
    """Write a collection's files to settings.data_dir and, while the test's store is as made,
    start it from a store and index seeded with that collection (tests/seeded.py): what the
    app would do on its first start, without doing it again in every test."""
    return _preparer(request, seeded_stores)


@pytest.fixture(scope="session")
def seeded_server(request: pytest.FixtureRequest, seeded_stores: SeededStores) -> ServerPrepare:
    """Pass as `service(…, prepare=seeded_server)`: a server whose store is empty starts on a
    copy of a store and index seeded with its collection once per test process
    (tests/seeded.py), as it would after its first start, rather than seeding its own. Tests of
    the first start itself (tests/e2e/test_server.py, test_replicas.py) leave it out."""

    def prepare(environment: Mapping[str, str]) -> None:
        empty_store = _empty_store_like(request, environment["DATABASE_URL"])
        seeded_stores.serve(request, environment, empty_store)

    return prepare


@pytest.fixture
def studies() -> list[CaseStudyFile]:
    return sample_collection()


MakeClient = Callable[[list[CaseStudyFile]], TestClient]


@pytest.fixture
def make_client(settings: Settings, prepare_store: Prepare) -> MakeClient:
    """Return a factory: the app started over a collection of the given case studies."""

    def make(collection: list[CaseStudyFile]) -> TestClient:
        prepare_store(settings, collection)
        return TestClient(create_app(settings))

    return make


@pytest.fixture
def client(make_client: MakeClient, studies: list[CaseStudyFile]) -> Iterator[TestClient]:
    with make_client(studies) as test_client:
        yield test_client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def make_module_client(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    seeded_stores: SeededStores,
) -> Iterator[MakeClient]:
    """Like make_client, but for module-scoped fixtures of tests that only read (their setup
    was most of the suite's time): each call starts an app over its own store and index, which
    the module's tests share; each client is closed when the module ends."""
    prepare = _preparer(request, seeded_stores)
    opened: list[TestClient] = []

    def make(collection: list[CaseStudyFile]) -> TestClient:
        folder = tmp_path_factory.mktemp("module")
        data_dir = folder / "collection"
        data_dir.mkdir()
        url = _empty_store(request, request.param, folder)
        settings = _settings(folder, data_dir, url, _sync_seconds(request))
        prepare(settings, collection)
        client = TestClient(create_app(settings))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def reader(make_module_client: MakeClient) -> TestClient:
    """A client over the sample collection shared by a module's tests, which must not write."""
    return make_module_client(sample_collection())
