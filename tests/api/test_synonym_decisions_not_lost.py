"""Two moderators deciding on one everyday phrase through /api/v1/synonyms: the second, who
decided from what they read before the first's decision, is told what it is now and how to
replace it (409, problem+json), and the first's decision stands; If-Match replaces knowingly."""

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth
from tests.api.test_lay_language import SYNONYMS, accept, searched, slugs


def test_a_phrase_decided_meanwhile_is_not_decided_over(client: TestClient, keys: Keys) -> None:
    searched(client, "traineeships")
    first = accept(client, keys.moderator, "traineeships", ["apprenticeships"])
    assert first.status_code == 201
    tag = first.headers["etag"]
    assert tag == first.json()["etag"] and tag.startswith('"')
    # Someone who saw it as a suggestion dismisses it: refused, saying what it is now.
    late = client.post(
        f"{SYNONYMS}/dismissals", json={"phrase": "traineeships"}, headers=auth(keys.admin)
    )
    assert late.status_code == 409
    assert late.headers["content-type"] == "application/problem+json"
    problem = late.json()
    assert "“traineeships” was decided already: it is accepted now" in problem["detail"]
    assert f"If-Match: {tag}" in problem["detail"]
    assert problem["current"]["status"] == "accepted"
    assert problem["current"]["targets"] == ["apprenticeships"]
    assert problem["current"]["etag"] == tag
    again = accept(client, keys.admin, "traineeships", ["apprenticeships", "care leavers"])
    assert again.status_code == 409
    assert slugs(client, "traineeships") == ["north-care-leavers"]  # the first decision stands
    listed = client.get(SYNONYMS, headers=auth(keys.admin)).json()["synonyms"]
    assert [(s["status"], s["targets"], s["etag"]) for s in listed] == [
        ("accepted", ["apprenticeships"], tag)
    ]


def test_if_match_replaces_only_the_decision_read(client: TestClient, keys: Keys) -> None:
    first = accept(client, keys.moderator, "traineeships", ["apprenticeships"])
    tag = first.headers["etag"]
    # Ann replaces it knowingly, naming the decision she read.
    ann = auth(keys.moderator) | {"If-Match": tag}
    dismissed = client.post(
        f"{SYNONYMS}/dismissals", json={"phrase": "traineeships", "note": "too broad"}, headers=ann
    )
    assert dismissed.status_code == 201
    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.headers["etag"] != tag
    assert slugs(client, "traineeships") == []
    # Bob read the first decision too: his change is refused, with the one now in force.
    bob = auth(keys.admin) | {"If-Match": tag}
    body = {"phrase": "traineeships", "targets": ["care leavers"]}
    stale = client.post(SYNONYMS, json=body, headers=bob)
    assert stale.status_code == 409
    assert "changed since you read it: it is dismissed now" in stale.json()["detail"]
    assert stale.json()["current"]["etag"] == dismissed.headers["etag"]
    assert slugs(client, "traineeships") == []
    # `*`: whatever decision it has now, replaced on purpose.
    anyway = client.post(SYNONYMS, json=body, headers=auth(keys.admin) | {"If-Match": "*"})
    assert anyway.status_code == 201
    assert anyway.json()["targets"] == ["care leavers"]


def test_a_decision_forgotten_meanwhile_is_not_made_from_the_old_one(
    client: TestClient, keys: Keys
) -> None:
    first = accept(client, keys.moderator, "traineeships", ["apprenticeships"])
    assert client.delete(first.json()["url"], headers=auth(keys.moderator)).status_code == 204
    headers = auth(keys.admin) | {"If-Match": first.headers["etag"]}
    late = client.post(f"{SYNONYMS}/dismissals", json={"phrase": "traineeships"}, headers=headers)
    assert late.status_code == 409
    assert "has no decision now" in late.json()["detail"]
    assert client.get(SYNONYMS, headers=auth(keys.admin)).json() == {"synonyms": []}
    malformed = auth(keys.admin) | {"If-Match": "1"}
    refused = client.post(f"{SYNONYMS}/dismissals", json={"phrase": "x"}, headers=malformed)
    assert refused.status_code == 422
    assert "If-Match takes the ETag" in refused.json()["detail"]
