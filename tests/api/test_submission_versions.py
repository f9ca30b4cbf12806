"""Versions: every submission answer carries its version as an ETag, every change takes the
version it read (If-Match), a safeguarding confirmation holds for the text it confirmed, and
whose a submission is does not depend on how its council's name was typed."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.store.keys import create_key
from testkit.factories import make_draft
from tests.api.conftest import Keys, auth, submit

RISKY = "Jamie Smith (date of birth 12/03/2011) lives at 14 Elm Road, LS6 2QT."


def created(client: TestClient, key: str, **overrides: Any) -> dict[str, Any]:
    response = submit(client, key, make_draft(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def act(
    client: TestClient,
    key: str,
    record: int,
    action: str,
    if_match: str | None = None,
    body: dict[str, Any] | None = None,
) -> Any:
    """One change through the API: amend, withdraw or a moderator's action."""
    headers = {**auth(key), **({"If-Match": if_match} if if_match is not None else {})}
    url = f"/api/v1/submissions/{record}"
    if action == "amend":
        return client.patch(url, json=body or {"title": "Kinship carers hub"}, headers=headers)
    if action == "withdraw":
        return client.delete(url, headers=headers)
    return client.post(f"/api/v1/moderation/{record}/{action}", json=body, headers=headers)


def read(client: TestClient, key: str, record: int) -> Any:
    return client.get(f"/api/v1/submissions/{record}", headers=auth(key))


def history(client: TestClient, record: int, key: str) -> list[str]:
    response = client.get(f"/api/v1/submissions/{record}/history", headers=auth(key))
    return [e["action"] for e in response.json()["events"]]


# -- ETag and If-Match ------------------------------------------------------------------------


def test_every_answer_about_a_submission_carries_its_version(
    client: TestClient, keys: Keys
) -> None:
    response = submit(client, keys.leeds, make_draft())
    record = response.json()["id"]
    assert (response.json()["version"], response.headers["etag"]) == (1, '"1"')
    assert read(client, keys.leeds, record).headers["etag"] == '"1"'
    amended = act(client, keys.leeds, record, "amend", '"1"')
    assert (amended.json()["version"], amended.headers["etag"]) == (2, '"2"')
    asked = act(client, keys.moderator, record, "request-changes", '"2"', {"message": "Costs?"})
    assert (asked.json()["version"], asked.headers["etag"]) == (3, '"3"')
    queued = client.get(
        "/api/v1/moderation/queue",
        params={"status": "changes_requested"},
        headers=auth(keys.moderator),
    ).json()
    assert [r["version"] for r in queued["results"]] == [3]
    # One version per recorded change: the history is the list of versions.
    assert history(client, record, keys.leeds) == ["submitted", "amended", "changes_requested"]


def test_a_decision_on_a_version_that_has_changed_is_a_409_naming_the_current_one(
    client: TestClient, keys: Keys
) -> None:
    record = created(client, keys.leeds, title="Wombat kinship hub")["id"]
    reviewed = read(client, keys.moderator, record).headers["etag"]
    act(client, keys.leeds, record, "amend", body={"summary": "A hub, now with a new summary."})
    refused = act(client, keys.moderator, record, "publish", reviewed)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["current"] == {"version": 2, "status": "submitted"}
    assert "version 2" in problem["detail"] and "submitted" in problem["detail"]
    assert read(client, keys.leeds, record).json()["status"] == "submitted"
    assert client.get("/api/v1/search", params={"q": "wombat"}).json()["total"] == 0
    assert history(client, record, keys.moderator) == ["submitted", "amended"]
    published = act(client, keys.moderator, record, "publish", '"2"')
    assert published.status_code == 200 and published.headers["etag"] == '"3"'


ACTIONS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("amend", "leeds", {"summary": "A different summary for the hub."}),
    ("withdraw", "leeds", None),
    ("publish", "moderator", None),
    ("request-changes", "moderator", {"message": "Add the costs."}),
    ("reject", "moderator", {"reason": "Out of scope."}),
    ("confirm-safeguarding", "moderator", {"note": "Checked."}),
    ("unpublish", "moderator", {"reason": "Source disputed."}),
]


@pytest.mark.parametrize(("action", "who", "body"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_change_honours_if_match_and_a_stale_one_changes_nothing(
    client: TestClient, keys: Keys, action: str, who: str, body: dict[str, Any] | None
) -> None:
    record = created(client, keys.leeds, body=make_draft()["body"] + "\n" + RISKY)["id"]
    if action in ("publish", "unpublish"):
        act(client, keys.moderator, record, "confirm-safeguarding", body={"note": "Invented."})
    if action == "unpublish":
        assert act(client, keys.moderator, record, "publish").status_code == 200
    key = getattr(keys, who)
    before = read(client, keys.moderator, record)
    version = before.json()["version"]
    stale = act(client, key, record, action, f'"{version - 1}"', body)
    assert stale.status_code == 409, stale.text
    assert stale.json()["current"] == {"version": version, "status": before.json()["status"]}
    assert read(client, keys.moderator, record).json() == before.json()
    current = act(client, key, record, action, f'"{version}"', body)
    assert current.status_code == 200, current.text
    assert current.json()["version"] == version + 1


@pytest.mark.parametrize("if_match", ['"1"', "*", '"7", "1"', ' "1" '])
def test_if_match_takes_the_etag_as_http_sends_it(
    client: TestClient, keys: Keys, if_match: str
) -> None:
    record = created(client, keys.leeds)["id"]
    assert act(client, keys.moderator, record, "publish", if_match).status_code == 200


@pytest.mark.parametrize("if_match", ['W/"1"', '"one"', '"2"', f'"{"9" * 4400}"'])  # not a 500
def test_an_if_match_that_is_not_the_current_version_is_a_409(
    client: TestClient, keys: Keys, if_match: str
) -> None:
    record = created(client, keys.leeds)["id"]
    assert act(client, keys.moderator, record, "publish", if_match).status_code == 409


@pytest.mark.parametrize("if_match", ["1", "", '"1', "version 1"])
def test_a_malformed_if_match_is_a_422_saying_what_to_send(
    client: TestClient, keys: Keys, if_match: str
) -> None:
    record = created(client, keys.leeds)["id"]
    refused = act(client, keys.moderator, record, "publish", if_match)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert 'If-Match: "1"' in refused.json()["detail"]
    assert read(client, keys.leeds, record).json()["status"] == "submitted"


# -- the safeguarding confirmation ------------------------------------------------------------


def test_a_safeguarding_confirmation_holds_only_for_the_text_it_confirmed(
    client: TestClient, keys: Keys
) -> None:
    record = created(client, keys.leeds, body=make_draft()["body"] + "\n" + RISKY)["id"]
    confirmed = act(
        client, keys.moderator, record, "confirm-safeguarding", '"1"', {"note": "Invented names."}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["safeguarding"]["checked_version"] == 1
    # An amendment that leaves the findings as they were still changes what was confirmed.
    amended = act(client, keys.leeds, record, "amend", body={"title": "Kinship hub, renamed"})
    assert amended.status_code == 200, amended.text
    assert amended.json()["safeguarding"]["flagged"] is True
    assert amended.json()["safeguarding"]["checked_at"] is None
    assert amended.json()["safeguarding"]["checked_version"] is None
    refused = act(client, keys.moderator, record, "publish")
    assert refused.status_code == 409 and "confirm-safeguarding" in refused.json()["detail"]
    again = act(
        client, keys.moderator, record, "confirm-safeguarding", '"3"', {"note": "Invented names."}
    )
    assert again.json()["safeguarding"]["checked_version"] == 3
    assert act(client, keys.moderator, record, "publish", '"4"').status_code == 200


# -- ownership: one comparison everywhere -----------------------------------------------------


def test_a_submission_belongs_to_its_council_however_the_name_was_typed(
    client: TestClient, keys: Keys
) -> None:
    record = created(client, keys.admin, council="LEEDS  CITY council")["id"]
    leeds = auth(keys.leeds)
    listed = client.get("/api/v1/submissions", headers=leeds).json()
    assert [r["id"] for r in listed["results"]] == [record]
    assert client.get("/api/v1/submissions", headers=auth(keys.york)).json()["total"] == 0
    for council in ("leeds city council", " Leeds   City Council "):
        chosen = client.get(
            "/api/v1/submissions", params={"council": council}, headers=auth(keys.moderator)
        ).json()
        assert [r["id"] for r in chosen["results"]] == [record]
    assert read(client, keys.leeds, record).status_code == 200
    assert read(client, keys.york, record).status_code == 404
    assert act(client, keys.leeds, record, "amend").status_code == 200
    assert act(client, keys.leeds, record, "withdraw").json()["status"] == "withdrawn"


# -- slugs ------------------------------------------------------------------------------------


def test_slugs_stay_unique_and_readable(client: TestClient, keys: Keys) -> None:
    first, second = created(client, keys.leeds), created(client, keys.leeds)
    for body in (first, second):
        assert re.fullmatch(r"leeds-kinship-carers-support-hub-[a-z0-9]{6}", body["slug"])
    assert first["slug"] != second["slug"]


def test_a_slug_keeps_the_letters_that_carry_accents(client: TestClient, keys: Keys) -> None:
    """Welsh and borrowed words lost each accented letter with its accent ("m-n", "caf")."""
    body = created(client, keys.leeds, title="Gofal maeth ym Môn: Café Ŵyr a Neiniau")
    assert re.fullmatch(r"leeds-gofal-maeth-ym-mon-cafe-wyr-a-neiniau-[a-z0-9]{6}", body["slug"])
    assert body["title"] == "Gofal maeth ym Môn: Café Ŵyr a Neiniau"  # the title keeps them


def test_a_slug_does_not_reveal_another_councils_unpublished_submission(
    client: TestClient, keys: Keys
) -> None:
    """Two councils whose names make the same slug: the second's slug looks the same whether
    or not the first has an unpublished submission with the same title."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        older = create_key(session, "council", "North Yorkshire County Council")[1]
        newer = create_key(session, "council", "North Yorkshire Council")[1]
    region = {"region": "Yorkshire and the Humber"}
    hidden = created(client, older, council="North Yorkshire County Council", **region)
    alone = created(client, newer, council="North Yorkshire Council", title="Another hub", **region)
    after = created(client, newer, council="North Yorkshire Council", **region)
    assert re.fullmatch(r"north-yorkshire-another-hub-[a-z0-9]{6}", alone["slug"])
    assert re.fullmatch(r"north-yorkshire-kinship-carers-support-hub-[a-z0-9]{6}", after["slug"])
    assert hidden["slug"] != after["slug"]
