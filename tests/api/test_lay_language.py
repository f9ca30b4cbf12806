"""The lay-language bridge through /api/v1/synonyms: queries that find nothing become proposals,
a moderator accepts (with the targets they choose) or dismisses them, and an accepted phrase
changes what search finds at once, in every process on the store."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth
from tests.waiting import eventually

SYNONYMS = "/api/v1/synonyms"


def searched(client: TestClient, *queries: str) -> None:
    """Search as people would, and write the counts (kept in memory for a few seconds)."""
    for query in queries:
        assert client.get("/api/v1/search", params={"q": query}).status_code == 200
    client.app.state.queries.flush()  # type: ignore[attr-defined]


def slugs(client: TestClient, query: str) -> list[str]:
    results = client.get("/api/v1/search", params={"q": query}).json()["results"]
    return [r["slug"] for r in results]


def accept(client: TestClient, key: str, phrase: str, targets: list[str], **extra: Any) -> Any:
    body = {"phrase": phrase, "targets": targets, **extra}
    return client.post(SYNONYMS, json=body, headers=auth(key))


def suggestions(client: TestClient, key: str) -> list[dict[str, Any]]:
    response = client.get(f"{SYNONYMS}/suggestions", headers=auth(key))
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["suggestions"]
    return found


def test_a_zero_result_query_is_proposed_with_the_sectors_words(
    client: TestClient, keys: Keys
) -> None:
    searched(client, "traineeships", "traineeships", "care leavers", "apprenticeships")
    found = suggestions(client, keys.moderator)
    assert [s["phrase"] for s in found] == ["traineeships"]
    assert found[0]["searches"] == found[0]["zero_result_searches"] == 2
    assert found[0]["results_now"] == 0
    for proposal in found[0]["proposals"]:  # each one a phrase the case studies use
        assert slugs(client, f'"{proposal["phrase"]}"')
        assert 0.3 <= proposal["closeness"] <= 1


def test_an_accepted_phrase_finds_case_studies_at_once(client: TestClient, keys: Keys) -> None:
    assert slugs(client, "traineeships") == []
    response = accept(client, keys.moderator, "Traineeships", ["apprenticeships"], note="asked")
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == body["url"]
    assert body["phrase"] == "traineeships"
    assert body["targets"] == ["apprenticeships"]
    assert body["status"] == "accepted"
    assert body["decided_by"] == "campaign team (moderator key 3)"
    assert slugs(client, "traineeships") == ["north-care-leavers"]
    assert slugs(client, "traineeships for care leavers")[0] == "north-care-leavers"
    # one way: the sector's word does not find the everyday one's other meanings
    assert slugs(client, "apprenticeships") == ["north-care-leavers"]
    searched(client, "traineeships", "traineeships for care leavers", "apprentice zorbing")
    # decided: not proposed again; few results but every word in the collection: no gap
    assert [s["phrase"] for s in suggestions(client, keys.moderator)] == ["apprentice zorbing"]
    listed = client.get(SYNONYMS, headers=auth(keys.admin)).json()["synonyms"]
    assert [(s["phrase"], s["status"]) for s in listed] == [("traineeships", "accepted")]
    assert client.delete(body["url"], headers=auth(keys.moderator)).status_code == 204
    assert slugs(client, "traineeships") == []


def test_a_forgotten_decisions_number_is_never_given_to_another(
    client: TestClient, keys: Keys
) -> None:
    """On SQLite a new decision took the number of the last one forgotten: a Forget pressed
    again (or from a page opened before) then forgot the new one."""
    url = accept(client, keys.moderator, "traineeships", ["apprenticeships"]).json()["url"]
    assert client.delete(url, headers=auth(keys.moderator)).status_code == 204
    again = accept(client, keys.moderator, "work placements", ["apprenticeships"]).json()
    assert again["url"] != url
    assert client.delete(url, headers=auth(keys.moderator)).status_code == 404


def test_a_dismissed_phrase_is_not_proposed_again(client: TestClient, keys: Keys) -> None:
    searched(client, "traineeships", "zorbing")
    dismissed = client.post(
        f"{SYNONYMS}/dismissals", json={"phrase": "zorbing"}, headers=auth(keys.moderator)
    )
    assert dismissed.status_code == 201
    assert dismissed.json()["status"] == "dismissed"
    assert [s["phrase"] for s in suggestions(client, keys.moderator)] == ["traineeships"]
    assert slugs(client, "zorbing") == []


def test_a_target_no_case_study_uses_is_refused_saying_which(
    client: TestClient, keys: Keys
) -> None:
    response = accept(client, keys.moderator, "traineeships", ["apprenticeships", "kickstart"])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "#/targets/1"
    assert "kickstart" in problem["detail"]
    assert client.get(SYNONYMS, headers=auth(keys.moderator)).json() == {"synonyms": []}
    empty = accept(client, keys.moderator, "  ", ["apprenticeships"])
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["pointer"] == "#/phrase"


def test_only_moderators_and_admins_decide(client: TestClient, keys: Keys) -> None:
    for method, url, body in [
        ("GET", f"{SYNONYMS}/suggestions", None),
        ("GET", SYNONYMS, None),
        ("POST", SYNONYMS, {"phrase": "traineeships", "targets": ["apprenticeships"]}),
        ("POST", f"{SYNONYMS}/dismissals", {"phrase": "traineeships"}),
        ("DELETE", f"{SYNONYMS}/1", None),
    ]:
        response = client.request(method, url, json=body, headers=auth(keys.leeds))
        assert response.status_code == 403, (method, url)
        assert client.request(method, url, json=body).status_code == 401
    assert slugs(client, "traineeships") == []


@pytest.mark.quick_sync
def test_every_process_follows_an_accepted_phrase(
    client: TestClient, keys: Keys, make_client: Callable[[list[Any]], TestClient]
) -> None:
    """A second app on the same store plays another worker or replica."""
    with make_client([]) as other:
        assert slugs(other, "traineeships") == []
        assert (
            accept(client, keys.moderator, "traineeships", ["apprenticeships"]).status_code == 201
        )
        assert eventually(lambda: slugs(other, "traineeships") == ["north-care-leavers"])
