"""What a moderator curates through one process is in the very next search of every other
process on the store (a second app plays another worker or replica): a best bet saved or
removed, in the API's JSON (with a new ETag) and the embed page, and an accepted everyday
phrase. The apps' polls of the store are an hour apart here, so only what each search reads
for itself can bring the change in; before it did, the other process served pages without a
pin already saved, or with one removed, until its next poll."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from tests.api.conftest import Keys, auth

QUERY = {"q": "foster carers", "per_page": 3}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"index_sync_seconds": 3600})


def first(client: TestClient, **headers: str) -> Any:
    answer = client.get("/api/v1/search", params=QUERY, headers=headers)
    return answer, answer.json()["results"][0] if answer.status_code == 200 else None


def embed_marks(client: TestClient) -> int:
    return client.get("/embed", params={"q": "foster carers"}).text.count("recommended-tag")


def test_a_pin_saved_or_removed_in_one_process_is_in_the_next_search_of_another(
    client: TestClient, keys: Keys, make_client: Callable[[list[Any]], TestClient]
) -> None:
    with make_client([]) as other:
        before, top = first(other)
        assert (top["slug"], top.get("recommended")) == ("south-fostering", None)
        assert embed_marks(other) == 0  # both pages kept in the other's cache
        bet = {"query": "foster carers", "slug": "north-family-support"}
        made = client.post("/api/v1/best-bets", json=bet, headers=auth(keys.moderator))
        assert made.status_code == 201

        answer, top = first(other, **{"If-None-Match": before.headers["ETag"]})
        assert answer.status_code == 200  # not 304: the page changed
        assert (top["slug"], top["recommended"]) == ("north-family-support", True)
        assert embed_marks(other) == 1

        assert client.delete(made.json()["url"], headers=auth(keys.moderator)).status_code == 204
        answer, top = first(other)
        assert (top["slug"], top.get("recommended")) == ("south-fostering", None)
        assert answer.headers["ETag"] == before.headers["ETag"]
        assert embed_marks(other) == 0


def test_an_everyday_phrase_accepted_in_one_process_is_in_the_next_search_of_another(
    client: TestClient, keys: Keys, make_client: Callable[[list[Any]], TestClient]
) -> None:
    def found(app: TestClient) -> list[str]:
        results = app.get("/api/v1/search", params={"q": "traineeships"}).json()["results"]
        return [r["slug"] for r in results]

    with make_client([]) as other:
        assert found(other) == []
        body = {"phrase": "traineeships", "targets": ["apprenticeships"]}
        accepted = client.post("/api/v1/synonyms", json=body, headers=auth(keys.moderator))
        assert accepted.status_code == 201
        assert found(other) == ["north-care-leavers"]
        gone = client.delete(accepted.json()["url"], headers=auth(keys.moderator))
        assert gone.status_code == 204
        assert found(other) == []
