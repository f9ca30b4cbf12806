"""A missing index or a damaged spelling list is rebuilt while the service keeps answering:
never a 500, never a failed start (issue #15, finding 11). The background sync is off here
(INDEX_SYNC_SECONDS an hour), so each repair is the one under test."""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.search import spelling
from app.services.collection import load_collection
from app.store.db import make_engine
from testkit.factories import make_case_study, make_draft, sample_collection
from tests.api.conftest import Keys, auth, submit
from tests.seeded import Prepare


@pytest.fixture
def quiet(prepare_store: Prepare, settings: Settings) -> Settings:
    prepare_store(settings, sample_collection())
    return settings.model_copy(update={"index_sync_seconds": 3600})


@pytest.fixture
def client(quiet: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(quiet)) as test_client:
        yield test_client


def found(client: TestClient, q: str) -> list[str]:
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [r["slug"] for r in response.json()["results"]]


def publish(client: TestClient, keys: Keys, title: str) -> tuple[str, int]:
    record = submit(client, keys.leeds, make_draft(title=title)).json()
    response = client.post(
        f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator)
    )
    return record["slug"], response.status_code


def spoil_spelling_list(client: TestClient) -> Path:
    generation: Path = client.app.state.search.index.generation()  # type: ignore[attr-defined]
    spelling.path(generation).write_bytes(b"\xff\xfe not\ta list\nat all")
    return generation


def test_a_publish_after_the_index_was_deleted_rebuilds_it(
    client: TestClient, keys: Keys, quiet: Settings
) -> None:
    shutil.rmtree(quiet.index_dir)
    slug, status = publish(client, keys, "Wombat kinship hub")
    assert status == 200  # it committed; it was a 500, and a retry a 409
    assert found(client, "wombat") == [slug]  # in search before the answer came
    assert found(client, "fostering") == ["south-fostering"]  # and everything else with it
    assert client.get("/readyz").status_code == 200


def test_a_damaged_spelling_list_is_rebuilt_on_the_next_change(
    client: TestClient, keys: Keys
) -> None:
    damaged = spoil_spelling_list(client)
    assert found(client, "fostering") == ["south-fostering"]  # still answering from memory
    slug, status = publish(client, keys, "Wombat kinship hub")
    assert status == 200
    assert found(client, "wombat") == [slug]
    index = client.app.state.search.index  # type: ignore[attr-defined]
    assert index.generation() != damaged
    assert client.get("/readyz").status_code == 200
    # Spelling works again from the rebuilt list.
    assert client.get("/api/v1/search", params={"q": "wombatt"}).json()["did_you_mean"] == "wombat"


def test_a_damaged_spelling_list_does_not_stop_the_next_start(quiet: Settings) -> None:
    with TestClient(create_app(quiet)) as client:
        spoil_spelling_list(client)
    # While the service was down, another process changed the store.
    engine = make_engine(quiet.database_url)
    load_collection(engine, [make_case_study(slug="late-wombats", title="Wombat carers")])
    engine.dispose()
    with TestClient(create_app(quiet)) as client:
        assert found(client, "wombat") == ["late-wombats"]
        assert client.get("/readyz").status_code == 200


@pytest.mark.quick_sync
def test_the_background_sync_rebuilds_a_damaged_spelling_list(
    prepare_store: Prepare, settings: Settings
) -> None:
    prepare_store(settings, sample_collection())
    with TestClient(create_app(settings)) as client:  # syncing every 0.1 s
        spoil_spelling_list(client)
        engine = client.app.state.engine  # type: ignore[attr-defined]
        load_collection(engine, [make_case_study(slug="late-wombats", title="Wombat carers")])
        deadline = time.monotonic() + 60  # the background sync, on a loaded machine
        while found(client, "wombat") != ["late-wombats"]:  # it failed for ever
            assert time.monotonic() < deadline, "the change never reached search"
            time.sleep(0.05)
        assert client.get("/readyz").status_code == 200
