"""The submission workflow over HTTP with real keys: two councils, a moderator and an admin,
each refused where they should be."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.store.keys import create_key, revoke_key
from app.store.models import ApiKey
from testkit.factories import make_draft
from tests.api.conftest import Keys, auth, submit


def created(client: TestClient, key: str, **overrides: Any) -> dict[str, Any]:
    response = submit(client, key, make_draft(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def moderate(
    client: TestClient, key: str, record: int, action: str, body: dict[str, Any] | None = None
) -> Any:
    return client.post(f"/api/v1/moderation/{record}/{action}", json=body, headers=auth(key))


def found_by_search(client: TestClient, q: str) -> list[str]:
    return [r["slug"] for r in client.get("/api/v1/search", params={"q": q}).json()["results"]]


# -- keys and roles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer bf_not-a-real-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
    ],
)
def test_a_missing_or_wrong_key_is_a_401_problem(
    client: TestClient, keys: Keys, headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/submissions", json=make_draft(), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/api/v1/submissions", headers=headers).status_code == 401


def test_a_revoked_key_stops_working_at_once(client: TestClient) -> None:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        key, secret = create_key(session, "council", "Leeds City Council")
        assert submit(client, secret, make_draft()).status_code == 201
        assert key.id is not None
        revoke_key(session, key.id)
    assert submit(client, secret, make_draft(title="Another one")).status_code == 401


def test_keys_are_stored_only_as_hashes_and_note_their_last_use(client: TestClient) -> None:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        key, secret = create_key(session, "moderator")
        assert secret not in (key.secret_hash, key.prefix) and len(key.secret_hash) == 64
        assert key.last_used_at is None
    client.get("/api/v1/moderation/queue", headers=auth(secret))
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        stored = session.get(ApiKey, key.id)
        assert stored is not None and stored.last_used_at is not None


def test_the_right_key_with_the_wrong_role_is_a_403(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    assert client.get("/api/v1/moderation/queue", headers=auth(keys.leeds)).status_code == 403
    assert moderate(client, keys.leeds, record, "publish").status_code == 403
    assert submit(client, keys.moderator, make_draft()).status_code == 403
    assert client.get("/api/v1/analytics/coverage", headers=auth(keys.york)).status_code == 403


def test_keys_never_appear_in_logs(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    created(client, keys.leeds)
    client.get("/api/v1/submissions", headers=auth("bf_wrong"))
    assert keys.leeds not in caplog.text and "bf_wrong" not in caplog.text


# -- submitting -------------------------------------------------------------------------------


def test_a_council_submits_and_gets_the_stored_record(client: TestClient, keys: Keys) -> None:
    response = submit(client, keys.leeds, make_draft())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert body["owner_council"] == "Leeds City Council"
    assert re.fullmatch(r"leeds-kinship-carers-support-hub-[a-z0-9]{6}", body["slug"])
    assert body["version"] == 1 and response.headers["etag"] == '"1"'
    assert body["themes"] == ["permanence"] and body["outcomes"] == [
        "Carers supported rose from 40 to 95"
    ]
    assert body["safeguarding"] == {
        "flagged": False,
        "findings": [],
        "checked_by": None,
        "checked_at": None,
        "checked_version": None,
    }
    assert body["public_url"] is None
    assert response.headers["location"] == body["url"]
    assert client.get(body["url"], headers=auth(keys.leeds)).json() == body


def test_a_council_submits_only_for_itself_and_an_admin_for_any(
    client: TestClient, keys: Keys
) -> None:
    refused = submit(client, keys.leeds, make_draft(council="City of York Council"))
    assert refused.status_code == 403
    assert "Leeds City Council" in refused.json()["detail"]
    by_admin = created(client, keys.admin, council="City of York Council")
    assert by_admin["owner_council"] == "City of York Council"
    york_sees = client.get("/api/v1/submissions", headers=auth(keys.york)).json()
    assert [r["id"] for r in york_sees["results"]] == [by_admin["id"]]


def test_unpublished_submissions_are_nowhere_public(client: TestClient, keys: Keys) -> None:
    body = created(client, keys.leeds, title="Zebrafish kinship hub", themes=["neglect"])
    assert found_by_search(client, "zebrafish") == []
    assert client.get(f"/api/v1/case-studies/{body['slug']}").status_code == 404
    assert client.get(f"/api/v1/case-studies/{body['slug']}/related").status_code == 404
    assert client.get("/api/v1/suggest", params={"q": "zebraf"}).json()["suggestions"] == []
    themes = client.get("/api/v1/vocabulary").json()["themes"]
    assert next(t for t in themes if t["slug"] == "neglect")["count"] == 0


# -- bad input --------------------------------------------------------------------------------


def count_submissions(client: TestClient, keys: Keys) -> int:
    total: int = client.get("/api/v1/submissions", headers=auth(keys.moderator)).json()["total"]
    return total


@pytest.mark.parametrize(
    ("draft", "pointer", "words"),
    [
        (make_draft(themes=["nope"]), "#/body/themes", "allowed: "),
        (make_draft(age_bands=["3-4"]), "#/body/age_bands", "0-5"),
        (make_draft(region="Atlantis"), "#/body/region", "North East"),
        ({k: v for k, v in make_draft().items() if k != "summary"}, "#/body/summary", "required"),
        (make_draft(outcomes="not a list"), "#/body/outcomes", "list"),
        (make_draft(title="x" * 201), "#/body/title", "200"),
        (make_draft(summary="<script>alert(1)</script>" * 3), "#/body/summary", "nothing is left"),
        (make_draft(colour="red"), "#/body/colour", "Extra inputs"),
        (make_draft(published="last year"), "#/body/published", "YYYY"),
        (make_draft(source_url="javascript:alert(1)"), "#/body/source_url", "http"),
    ],
)
def test_invalid_submissions_are_422_naming_the_field_and_change_nothing(
    client: TestClient, keys: Keys, draft: dict[str, Any], pointer: str, words: str
) -> None:
    response = submit(client, keys.leeds, draft)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert pointer in [e["pointer"] for e in problem["errors"]]
    assert words in problem["detail"]
    assert count_submissions(client, keys) == 0


@pytest.mark.parametrize(
    "content", [b"{not json", b"", b"[1, 2]", b'"a string"', b"\xff\xfe", b"null"]
)
def test_malformed_bodies_are_422_problems(client: TestClient, keys: Keys, content: bytes) -> None:
    response = client.post(
        "/api/v1/submissions",
        content=content,
        headers={**auth(keys.leeds), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert count_submissions(client, keys) == 0


def test_an_oversized_body_is_a_413_and_changes_nothing(client: TestClient, keys: Keys) -> None:
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    huge = make_draft(body="word " * (limit // 4))
    response = submit(client, keys.leeds, huge)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert str(limit) in response.json()["detail"]
    assert count_submissions(client, keys) == 0


def test_an_oversized_body_without_a_length_is_refused_as_it_streams(
    client: TestClient, keys: Keys
) -> None:
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]

    def chunks() -> Any:
        yield b'{"title": "'
        for _ in range(limit // 1000 + 2):
            yield b"x" * 1000
        yield b'"}'

    response = client.post(
        "/api/v1/submissions",
        content=chunks(),
        headers={**auth(keys.leeds), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert count_submissions(client, keys) == 0


def test_markup_and_unsafe_links_are_removed_and_the_submitter_told(
    client: TestClient, keys: Keys
) -> None:
    body = created(
        client,
        keys.leeds,
        title="Kinship hub <b onmouseover=alert(1)>bold</b>",
        body="## The challenge\nCarers felt alone.<script>alert(1)</script>"
        "<img src=x onerror=alert(2)> [x](javascript:alert(3))",
    )
    stored = str(body)
    for bad in ("<script", "onerror", "javascript:", "onmouseover", "<b"):
        assert bad not in stored
    assert body["title"] == "Kinship hub bold"
    (warning,) = [w for w in body["warnings"] if w["kind"] == "sanitised"]
    assert "title" in warning["detail"] and "body" in warning["detail"]


# -- idempotency ------------------------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer(
    client: TestClient, keys: Keys
) -> None:
    first = submit(client, keys.leeds, make_draft(), **{"Idempotency-Key": "abc-123"})
    again = submit(client, keys.leeds, make_draft(), **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert count_submissions(client, keys) == 1
    other = submit(client, keys.leeds, make_draft(), **{"Idempotency-Key": "abc-124"})
    assert other.json()["id"] != first.json()["id"]


def test_an_idempotency_key_reused_for_another_request_is_a_409(
    client: TestClient, keys: Keys
) -> None:
    submit(client, keys.leeds, make_draft(), **{"Idempotency-Key": "same"})
    clash = submit(client, keys.leeds, make_draft(title="Different"), **{"Idempotency-Key": "same"})
    assert clash.status_code == 409
    assert "Idempotency-Key" in clash.json()["detail"]
    assert count_submissions(client, keys) == 1


def test_idempotency_keys_belong_to_one_api_key(client: TestClient, keys: Keys) -> None:
    leeds = submit(client, keys.leeds, make_draft(), **{"Idempotency-Key": "k1"})
    admin = submit(client, keys.admin, make_draft(), **{"Idempotency-Key": "k1"})
    assert leeds.json()["id"] != admin.json()["id"]


# -- reading, amending, withdrawing -----------------------------------------------------------


def test_councils_see_and_change_only_their_own(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    url = f"/api/v1/submissions/{record}"
    york = auth(keys.york)
    assert client.get(url, headers=york).status_code == 404
    assert client.patch(url, json={"summary": "hijacked by York"}, headers=york).status_code == 404
    assert client.delete(url, headers=york).status_code == 404
    assert client.get(f"{url}/history", headers=york).status_code == 404
    assert client.get("/api/v1/submissions", headers=york).json()["total"] == 0
    assert client.get(url, headers=auth(keys.moderator)).status_code == 200
    assert client.get(url, headers=auth(keys.leeds)).json()["summary"] == make_draft()["summary"]


def test_unknown_or_malformed_ids(client: TestClient, keys: Keys) -> None:
    assert client.get("/api/v1/submissions/999", headers=auth(keys.leeds)).status_code == 404
    assert client.get("/api/v1/submissions/abc", headers=auth(keys.leeds)).status_code == 404
    assert client.get("/api/v1/submissions/0", headers=auth(keys.leeds)).status_code == 422


def test_a_council_lists_its_submissions_newest_first_and_filters_by_status(
    client: TestClient, keys: Keys
) -> None:
    first = created(client, keys.leeds, title="First hub")["id"]
    second = created(client, keys.leeds, title="Second hub")["id"]
    moderate(client, keys.moderator, first, "reject", {"reason": "Out of scope for the campaign"})
    listing = client.get("/api/v1/submissions", headers=auth(keys.leeds)).json()
    assert [r["id"] for r in listing["results"]] == [second, first]
    rejected = client.get(
        "/api/v1/submissions", params={"status": "rejected"}, headers=auth(keys.leeds)
    ).json()
    assert [r["id"] for r in rejected["results"]] == [first]
    assert rejected["results"][0]["moderation_message"] == "Out of scope for the campaign"


def test_amending_goes_back_to_submitted_and_is_recorded(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    asked = moderate(
        client, keys.moderator, record, "request-changes", {"message": "Add the cost, please."}
    )
    assert asked.json()["status"] == "changes_requested"
    url = f"/api/v1/submissions/{record}"
    mine = client.get(url, headers=auth(keys.leeds)).json()
    assert mine["moderation_message"] == "Add the cost, please."
    amended = client.patch(
        url,
        json={"outcomes": ["Carers supported rose from 40 to 95", "The hub cost £80,000 a year"]},
        headers=auth(keys.leeds),
    )
    assert amended.status_code == 200
    assert amended.json()["status"] == "submitted"
    assert amended.json()["title"] == make_draft()["title"]  # untouched fields stay
    events = client.get(f"{url}/history", headers=auth(keys.leeds)).json()["events"]
    assert [e["action"] for e in events] == ["submitted", "changes_requested", "amended"]
    change = events[-1]
    assert (change["from_status"], change["to_status"]) == ("changes_requested", "submitted")
    assert change["changes"] == {
        "outcomes": {
            "from": ["Carers supported rose from 40 to 95"],
            "to": ["Carers supported rose from 40 to 95", "The hub cost £80,000 a year"],
        }
    }
    assert "Leeds City Council" in change["actor"] and change["role"] == "council"


@pytest.mark.parametrize(
    ("patch", "status"),
    [
        ({"themes": ["nope"]}, 422),
        ({"title": None}, 422),
        ({"colour": "red"}, 422),
        ({"council": "City of York Council"}, 403),
    ],
)
def test_a_refused_amendment_changes_nothing(
    client: TestClient, keys: Keys, patch: dict[str, Any], status: int
) -> None:
    record = created(client, keys.leeds)
    url = f"/api/v1/submissions/{record['id']}"
    assert client.patch(url, json=patch, headers=auth(keys.leeds)).status_code == status
    assert client.get(url, headers=auth(keys.leeds)).json() == record


def test_published_rejected_and_withdrawn_submissions_cannot_be_amended(
    client: TestClient, keys: Keys
) -> None:
    published = created(client, keys.leeds, title="Published hub")["id"]
    moderate(client, keys.moderator, published, "publish")
    rejected = created(client, keys.leeds, title="Rejected hub")["id"]
    moderate(client, keys.moderator, rejected, "reject", {"reason": "Duplicate"})
    for record in (published, rejected):
        url = f"/api/v1/submissions/{record}"
        response = client.patch(url, json={"summary": "x" * 30}, headers=auth(keys.leeds))
        assert response.status_code == 409
    response = client.delete(f"/api/v1/submissions/{published}", headers=auth(keys.leeds))
    assert response.status_code == 409
    assert "unpublish" in response.json()["detail"]


def test_withdrawing_keeps_the_record_out_of_the_queue(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    url = f"/api/v1/submissions/{record}"
    withdrawn = client.delete(url, headers=auth(keys.leeds))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert client.delete(url, headers=auth(keys.leeds)).json()["status"] == "withdrawn"
    queue = client.get("/api/v1/moderation/queue", headers=auth(keys.moderator)).json()
    assert queue["total"] == 0
    assert moderate(client, keys.moderator, record, "publish").status_code == 409


# -- moderation -------------------------------------------------------------------------------


def test_the_queue_lists_submissions_oldest_first(client: TestClient, keys: Keys) -> None:
    first = created(client, keys.leeds, title="First hub")["id"]
    second = created(client, keys.york, title="York hub", council="City of York Council")["id"]
    queue = client.get("/api/v1/moderation/queue", headers=auth(keys.moderator)).json()
    assert [r["id"] for r in queue["results"]] == [first, second]


def test_publishing_puts_it_in_search_at_once_and_unpublishing_takes_it_out(
    client: TestClient, keys: Keys
) -> None:
    body = created(client, keys.leeds, title="Quokka kinship hub", themes=["neglect"])
    record, slug = body["id"], body["slug"]
    published = moderate(client, keys.moderator, record, "publish", {"note": "Lovely"})
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["public_url"].endswith(f"/api/v1/case-studies/{slug}")
    # No waiting: the index is up to date when publish answers.
    assert found_by_search(client, "quokka") == [slug]
    assert client.get(f"/api/v1/case-studies/{slug}").status_code == 200
    themes = client.get("/api/v1/vocabulary").json()["themes"]
    assert next(t for t in themes if t["slug"] == "neglect")["count"] == 1
    suggestions = client.get("/api/v1/suggest", params={"q": "quokka"}).json()["suggestions"]
    assert [s["value"] for s in suggestions] == [slug]

    out = moderate(client, keys.moderator, record, "unpublish", {"reason": "Source disputed"})
    assert out.json()["status"] == "changes_requested"
    assert found_by_search(client, "quokka") == []
    assert client.get(f"/api/v1/case-studies/{slug}").status_code == 404
    mine = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.leeds)).json()
    assert mine["moderation_message"] == "Source disputed"


def test_rejecting_needs_a_reason_the_council_sees(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    missing = moderate(client, keys.moderator, record, "reject", {})
    assert missing.status_code == 422 and "reason" in missing.json()["detail"]
    moderate(client, keys.moderator, record, "reject", {"reason": "Not about children"})
    mine = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.leeds)).json()
    assert (mine["status"], mine["moderation_message"]) == ("rejected", "Not about children")


def test_requesting_changes_needs_a_message(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    for body in (None, {}, {"message": ""}, {"message": "x" * 5000}):
        response = moderate(client, keys.moderator, record, "request-changes", body)
        assert response.status_code == 422
    assert (
        client.get(f"/api/v1/submissions/{record}", headers=auth(keys.leeds)).json()["status"]
        == "submitted"
    )


def test_decisions_out_of_order_are_409s(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    assert (
        moderate(client, keys.moderator, record, "unpublish", {"reason": "why"}).status_code == 409
    )
    moderate(client, keys.moderator, record, "publish")
    assert moderate(client, keys.moderator, record, "publish").status_code == 409
    assert moderate(client, keys.moderator, record, "reject", {"reason": "late"}).status_code == 409
    assert moderate(client, keys.moderator, 999, "publish").status_code == 404


def test_history_says_who_when_from_what_to_what_and_why(client: TestClient, keys: Keys) -> None:
    record = created(client, keys.leeds)["id"]
    moderate(client, keys.moderator, record, "request-changes", {"message": "Name the partners"})
    client.patch(
        f"/api/v1/submissions/{record}", json={"partners": ["NHS Leeds"]}, headers=auth(keys.leeds)
    )
    moderate(client, keys.moderator, record, "publish", {"note": "Thanks"})
    history = client.get(
        f"/api/v1/submissions/{record}/history", headers=auth(keys.moderator)
    ).json()
    rows = [
        (e["action"], e["role"], e["from_status"], e["to_status"], e["message"])
        for e in history["events"]
    ]
    assert rows == [
        ("submitted", "council", None, "submitted", None),
        ("changes_requested", "moderator", "submitted", "changes_requested", "Name the partners"),
        ("amended", "council", "changes_requested", "submitted", None),
        ("published", "moderator", "submitted", "published", "Thanks"),
    ]
    assert all(e["at"] for e in history["events"])
    assert "campaign team" in history["events"][1]["actor"]


def test_a_repeated_search_is_never_answered_stale_after_a_publish(
    client: TestClient, keys: Keys
) -> None:
    search = client.app.state.search  # type: ignore[attr-defined]
    first = client.get("/api/v1/search", params={"q": "kinship"}).json()
    assert client.get("/api/v1/search", params={"q": "kinship"}).json() == first
    assert len(search._cache) >= 1  # the repeat came from the cache
    record = created(client, keys.leeds)["id"]
    assert client.get("/api/v1/search", params={"q": "kinship"}).json() == first  # unpublished
    moderate(client, keys.moderator, record, "publish")
    after = client.get("/api/v1/search", params={"q": "kinship"}).json()
    assert after["total"] == first["total"] + 1


def test_result_cards_never_outlive_a_publish_an_unpublish_or_an_edit(
    client: TestClient, keys: Keys
) -> None:
    """With every page worked out afresh, a result is still never stale: the kept result
    cards (summaries and snippets) belong to the change log's head they were read at."""
    search = client.app.state.search  # type: ignore[attr-defined]

    def results() -> list[tuple[str, str]]:
        search.clear_cache()
        found = client.get("/api/v1/search", params={"q": "quokka"}).json()["results"]
        return [(r["slug"], r["title"]) for r in found]

    body = created(client, keys.leeds, title="Quokka kinship hub")
    record, slug = body["id"], body["slug"]
    moderate(client, keys.moderator, record, "publish")
    assert results() == [(slug, "Quokka kinship hub")]
    assert results() == [(slug, "Quokka kinship hub")]  # from the kept card
    moderate(client, keys.moderator, record, "unpublish", {"reason": "Source disputed"})
    assert results() == []
    client.patch(
        f"/api/v1/submissions/{record}",
        json={"title": "Quokka family hub"},
        headers=auth(keys.leeds),
    )
    moderate(client, keys.moderator, record, "publish")
    assert results() == [(slug, "Quokka family hub")]


def test_the_search_page_shows_a_publish_and_an_unpublish_at_once(
    client: TestClient, keys: Keys
) -> None:
    """The page's year choices (kept per list of years) and result cards (written in Python,
    app/web/pages/hits.py) follow the change log: a new year and card at once, gone at once."""
    year = '<option value="2003">2003</option>'

    def page() -> str:
        return client.get("/", params={"q": "wombat"}).text

    assert year not in page() and "Wombat kinship hub" not in page()
    record = created(client, keys.leeds, title="Wombat kinship hub", published="2003-05")["id"]
    moderate(client, keys.moderator, record, "publish")
    shown = page()
    assert shown.count(year) == 2  # published from, published to
    assert "kinship hub</a></h3>" in shown and "<span>Published May 2003</span>" in shown
    moderate(client, keys.moderator, record, "unpublish", {"reason": "Source disputed"})
    assert year not in page() and "Wombat kinship hub" not in page()
