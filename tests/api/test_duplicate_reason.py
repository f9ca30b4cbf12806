"""A council's word on why its submission should stand beside the published case study it
closely matches: accepted with the submission, cleaned and checked like the rest, shown to the
council and the moderators, and never published."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_submit_pages import draft_id, form, post, signed_in, tagged

REASON = "Ours is for <b>care leavers</b> in Leeds, not teenagers in foster care in Somerset."
CLEANED = "Ours is for care leavers in Leeds, not teenagers in foster care in Somerset."


def close_copy(**overrides: Any) -> dict[str, Any]:
    """A submission that closely matches the bundled `south-fostering`."""
    return make_draft(
        **{
            "title": "Recruiting foster carers for teenagers",
            "summary": "Somerset ran a campaign to recruit foster carers for teenagers in care.",
            "body": "## The challenge\n\nFamilies waited too long for help.\n\n## The solution"
            "\n\nA single team offered help at home.\n\n## The impact\n\nFamilies said the "
            "help came sooner.\n",
            **overrides,
        }
    )


def test_the_reason_is_kept_cleaned_and_shown_to_the_council_and_moderators(
    client: TestClient, keys: Keys
) -> None:
    response = submit(client, keys.leeds, close_copy(duplicate_reason=REASON))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["duplicate_reason"] == CLEANED
    assert [w["slug"] for w in body["warnings"] if w["kind"] == "possible_duplicate"] == [
        "south-fostering"
    ]
    for key in (keys.leeds, keys.moderator):
        read = client.get(f"/api/v1/submissions/{body['id']}", headers=auth(key)).json()
        assert read["duplicate_reason"] == CLEANED
    assert (
        client.get(f"/api/v1/submissions/{body['id']}", headers=auth(keys.york)).status_code == 404
    )


def test_without_a_reason_nothing_changes(client: TestClient, keys: Keys) -> None:
    body = submit(client, keys.leeds, close_copy()).json()
    assert body["duplicate_reason"] is None
    blank = submit(
        client,
        keys.leeds,
        close_copy(source_url="https://www.leeds.gov.uk/a", duplicate_reason="\u200b "),
    ).json()
    assert blank["duplicate_reason"] is None


def test_a_reason_too_long_is_a_422_problem_and_nothing_is_stored(
    client: TestClient, keys: Keys
) -> None:
    response = submit(client, keys.leeds, close_copy(duplicate_reason="x" * 2001))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "#/body/duplicate_reason" in [e["pointer"] for e in problem["errors"]]
    assert "2000 characters" in problem["detail"]
    listed = client.get("/api/v1/submissions", headers=auth(keys.leeds)).json()
    assert listed["total"] == 0
    assert submit(client, keys.leeds, close_copy(duplicate_reason=7)).status_code == 422


def test_a_reason_that_identifies_a_child_is_flagged_by_the_safeguarding_check(
    client: TestClient, keys: Keys
) -> None:
    reason = "It helped Jamie Smith, aged 9, who lives at 14 Elm Road, LS6 2QT."
    body = submit(client, keys.leeds, close_copy(duplicate_reason=reason)).json()
    assert body["safeguarding"]["flagged"] is True
    fields = {f["field"] for f in body["safeguarding"]["findings"]}
    assert fields == {"duplicate_reason"}


def test_an_amendment_replaces_or_clears_the_reason_and_keeps_it_otherwise(
    client: TestClient, keys: Keys
) -> None:
    record = submit(client, keys.leeds, close_copy(duplicate_reason=REASON)).json()["id"]
    path = f"/api/v1/submissions/{record}"
    kept = client.patch(path, json={"summary": "A campaign for teenagers' foster carers."},
                        headers=auth(keys.leeds))  # fmt: skip
    assert kept.status_code == 200, kept.text
    assert kept.json()["duplicate_reason"] == CLEANED
    changed = client.patch(
        path, json={"duplicate_reason": "A later stage."}, headers=auth(keys.leeds)
    )
    assert changed.json()["duplicate_reason"] == "A later stage."
    history = client.get(f"{path}/history", headers=auth(keys.leeds)).json()["events"]
    assert history[-1]["changes"] == {"duplicate_reason": {"from": CLEANED, "to": "A later stage."}}
    too_long = client.patch(path, json={"duplicate_reason": "x" * 2001}, headers=auth(keys.leeds))
    assert too_long.status_code == 422
    assert too_long.headers["content-type"] == "application/problem+json"
    cleared = client.patch(path, json={"duplicate_reason": None}, headers=auth(keys.leeds))
    assert cleared.json()["duplicate_reason"] is None


def test_the_reason_is_never_published(client: TestClient, keys: Keys) -> None:
    record = submit(client, keys.leeds, close_copy(duplicate_reason=REASON)).json()
    published = client.post(
        f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator)
    )
    assert published.status_code == 200, published.text
    slug = record["slug"]
    public = client.get(f"/api/v1/case-studies/{slug}")
    assert public.status_code == 200
    assert "duplicate_reason" not in public.json()
    assert "care leavers in Leeds" not in public.text
    assert "care leavers in Leeds" not in client.get(f"/case-studies/{slug}").text
    found = client.get("/api/v1/search", params={"q": "care leavers Leeds Somerset"}).text
    assert "care leavers in Leeds" not in found


def test_the_field_is_documented_in_the_openapi_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/submissions"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    field = schema["properties"]["duplicate_reason"]
    assert "never published" in field["description"]
    assert {"type": "string", "maxLength": 2000} in field["anyOf"]
    patch = spec["paths"]["/api/v1/submissions/{record_id}"]["patch"]
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "duplicate_reason" in spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]


# -- the form ---------------------------------------------------------------------------------


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def test_an_officer_writes_why_on_the_form_and_a_change_keeps_it(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    leeds = signed_in(client, smtp, "twin@leeds.example", "Leeds City Council")
    copy = close_copy()
    fields = form(title=copy["title"], summary=copy["summary"])
    leeds.get("/submit/new")
    saved = post(leeds, "/submit/new", fields | {"action": "save"})
    number = draft_id(saved)
    page = leeds.get(f"/submit/drafts/{number}")
    assert "south-fostering" in page.text and 'id="duplicate_reason"' in page.text
    assert 'id="duplicate_reason-group" hidden' not in page.text

    long = post(leeds, f"/submit/drafts/{number}", fields | {"duplicate_reason": "x" * 2001,
                                                            "action": "continue"})  # fmt: skip
    assert long.status_code == 422
    assert "Why both should stand must be 2,000 characters or fewer" in long.text
    assert "x" * 2001 in long.text  # kept, to cut down

    post(leeds, f"/submit/drafts/{number}", fields | {"duplicate_reason": REASON,
                                                     "action": "continue"})  # fmt: skip
    assert tagged(leeds, number).headers["location"] == f"/submit/drafts/{number}/check"
    check = leeds.get(f"/submit/drafts/{number}/check")
    answer = re.search(r'<div id="answer-duplicate_reason">.*?</div>', check.text, re.S)
    assert answer and "not teenagers in foster care in Somerset." in answer.group(0)
    sent = post(leeds, f"/submit/drafts/{number}/send", {})
    record = int(sent.headers["location"].rsplit("/", 1)[1])
    read = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.moderator)).json()
    assert read["duplicate_reason"] == CLEANED

    # Changing it on the form starts from the reason given; sending keeps it.
    leeds.get(f"/my/submissions/{record}")
    started = post(leeds, f"/my/submissions/{record}/amend", {})
    changing = draft_id(started)
    assert CLEANED in leeds.get(started.headers["location"]).text
    draft = leeds.get(f"/submit/drafts/{changing}").text
    kept = re.search(r'<textarea[^>]*id="duplicate_reason"[^>]*>([^<]*)</textarea>', draft)
    assert kept and kept.group(1) == CLEANED
    post(leeds, f"/submit/drafts/{changing}", fields | {"duplicate_reason": CLEANED,
                                                       "impact": "It worked for teenagers.",
                                                       "action": "continue"})  # fmt: skip
    tagged(leeds, changing)
    leeds.get(f"/submit/drafts/{changing}/check")
    post(leeds, f"/submit/drafts/{changing}/send", {})
    read = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.moderator)).json()
    assert read["version"] == 2 and read["duplicate_reason"] == CLEANED
