"""A council's word on why the changes it proposes to a published case study should stand
beside another published case study they closely match: kept with the amendment (API and
form), checked like the rest, shown to the council and the moderators, and never public, nor
is a submission's."""

import re

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_amendments import decide, propose, published
from tests.api.test_duplicate_reason import CLEANED, REASON, close_copy
from tests.api.test_people_and_forms import signed_in as invited
from tests.api.test_submit_pages import draft_id, form, post, signed_in, tagged

# The live case study's content made a close copy of the bundled `south-fostering`.
CLOSE = {name: close_copy()[name] for name in ("title", "summary", "body")}
WORDS = "care leavers in Leeds"  # in the reason, and nowhere in any case study


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def test_an_amendment_keeps_the_reason_for_its_council_and_the_moderators(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    answer = propose(client, keys.leeds, live, CLOSE | {"duplicate_reason": REASON})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["duplicate_reason"] == CLEANED
    assert [w["slug"] for w in body["warnings"] if w["kind"] == "possible_duplicate"] == [
        "south-fostering"
    ]
    for key in (keys.leeds, keys.moderator):
        read = client.get(f"/api/v1/amendments/{body['id']}", headers=auth(key)).json()
        assert read["duplicate_reason"] == CLEANED
    queue = client.get("/api/v1/moderation/amendments", headers=auth(keys.moderator)).json()
    assert [a["duplicate_reason"] for a in queue["results"]] == [CLEANED]
    assert (
        client.get(f"/api/v1/submissions/{live['id']}", headers=auth(keys.leeds)).json()[
            "duplicate_reason"
        ]
        is None
    )  # the published one's own word is its own


def test_a_change_to_an_amendment_replaces_clears_or_keeps_the_reason(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    too_long = propose(client, keys.leeds, live, CLOSE | {"duplicate_reason": "x" * 2001})
    assert too_long.status_code == 422
    assert too_long.headers["content-type"] == "application/problem+json"
    assert "#/body/duplicate_reason" in [e["pointer"] for e in too_long.json()["errors"]]
    listed = client.get(f"/api/v1/submissions/{live['id']}/amendments", headers=auth(keys.leeds))
    assert listed.json()["total"] == 0  # nothing opened

    amendment = propose(client, keys.leeds, live, CLOSE | {"duplicate_reason": REASON}).json()
    path = f"/api/v1/amendments/{amendment['id']}"
    kept = client.patch(path, json={"summary": "Foster carers for teenagers, recruited."},
                        headers=auth(keys.leeds))  # fmt: skip
    assert kept.status_code == 200, kept.text
    assert kept.json()["duplicate_reason"] == CLEANED
    changed = client.patch(
        path, json={"duplicate_reason": "A later stage."}, headers=auth(keys.leeds)
    ).json()
    assert changed["duplicate_reason"] == "A later stage."
    events = client.get(f"/api/v1/submissions/{live['id']}/history", headers=auth(keys.leeds))
    assert events.json()["events"][-1]["changes"] == {
        "duplicate_reason": {"from": CLEANED, "to": "A later stage."}
    }
    refused = client.patch(path, json={"duplicate_reason": "x" * 2001}, headers=auth(keys.leeds))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    after = client.get(path, headers=auth(keys.leeds)).json()
    assert (after["version"], after["duplicate_reason"]) == (changed["version"], "A later stage.")
    cleared = client.patch(path, json={"duplicate_reason": None}, headers=auth(keys.leeds))
    assert cleared.json()["duplicate_reason"] is None


def test_a_reason_that_identifies_a_child_is_flagged_in_an_amendment(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    reason = "It helped Jamie Smith, aged 9, who lives at 14 Elm Road, LS6 2QT."
    body = propose(client, keys.leeds, live, CLOSE | {"duplicate_reason": reason}).json()
    assert body["safeguarding"]["flagged"] is True
    assert {f["field"] for f in body["safeguarding"]["findings"]} == {"duplicate_reason"}


def test_no_reason_is_ever_public(client: TestClient, keys: Keys) -> None:
    """Neither a submission's reason nor an amendment's, once both are published: not in any
    public page, feed, CSV, the widget or an API answer anyone may read."""
    live = published(client, keys, duplicate_reason=f"Ours is for {WORDS}, submitted.")
    amendment = propose(client, keys.leeds, live, CLOSE | {"duplicate_reason": REASON}).json()
    assert decide(client, keys, amendment["id"], "publish").status_code == 200
    slug = live["slug"]
    assert client.get(f"/api/v1/case-studies/{slug}").json()["title"] == CLOSE["title"]
    searches = [{"q": "foster carers teenagers"}, {"q": "care leavers Leeds"}]  # not echoing it
    answers = [
        client.get(f"/api/v1/case-studies/{slug}"),
        client.get(f"/api/v1/case-studies/{slug}/related"),
        client.get(f"/case-studies/{slug}"),
        client.get("/api/v1/suggest", params={"q": "care lea"}),
        client.get("/widget.js"),
        *(client.get(path, params=params) for path in ("/", "/api/v1/search",
          "/api/v1/search.csv", "/feeds/case-studies.atom", "/embed") for params in searches),
    ]  # fmt: skip
    for answer in answers:
        assert answer.status_code == 200, answer.url
        assert WORDS not in answer.text, answer.url
        assert "duplicate_reason" not in answer.text, answer.url
    assert "Recruiting foster carers for teenagers" in answers[7].text  # the search finds it


def test_an_officer_gives_the_reason_on_the_form_and_sees_it_where_the_moderator_does(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    live = published(client, keys)
    leeds = signed_in(client, smtp, "officer@leeds.example", "Leeds City Council")
    leeds.get(f"/my/submissions/{live['id']}")
    started = post(leeds, f"/my/submissions/{live['id']}/amend", {})
    number = draft_id(started)
    leeds.get(started.headers["location"])
    fields = form(title=CLOSE["title"], summary=CLOSE["summary"])
    saved = post(leeds, f"/submit/drafts/{number}", fields | {"action": "save"})
    page = leeds.get(saved.headers["location"]).text
    assert "south-fostering" in page and 'id="duplicate_reason"' in page
    assert 'id="duplicate_reason-group" hidden' not in page

    post(leeds, f"/submit/drafts/{number}", fields | {"duplicate_reason": REASON,
                                                     "action": "continue"})  # fmt: skip
    tagged(leeds, number)
    check = leeds.get(f"/submit/drafts/{number}/check").text
    answer = re.search(r'<div id="answer-duplicate_reason">.*?</div>', check, re.S)
    assert answer and CLEANED.rsplit(" ", 1)[1] in answer.group(0)
    post(leeds, f"/submit/drafts/{number}/send", {})
    opened = client.get(f"/api/v1/submissions/{live['id']}/amendments", headers=auth(keys.leeds))
    amendment = opened.json()["results"][0]
    assert amendment["duplicate_reason"] == CLEANED

    own = leeds.get(f"/my/submissions/{live['id']}").text
    shown = re.search(r'<div id="reason-changes">.*?</div>', own, re.S)
    assert shown and CLEANED in shown.group(0)
    moderator = invited(client, smtp, "moderator@campaign.example", "moderator")
    review = moderator.get(f"/moderation/amendments/{amendment['id']}").text
    assert "Why the council says both should stand" in review and CLEANED in review

    # Changing the changes starts from the reason given, and sending keeps it.
    again = post(leeds, f"/my/submissions/{live['id']}/amend", {})
    draft = leeds.get(again.headers["location"]).text
    kept = re.search(r'<textarea[^>]*id="duplicate_reason"[^>]*>([^<]*)</textarea>', draft)
    assert kept and kept.group(1) == CLEANED


def test_the_officers_own_page_shows_the_reason_a_submission_gave(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    record = submit(client, keys.leeds, close_copy(duplicate_reason=REASON)).json()
    plain = submit(client, keys.leeds, close_copy(source_url="https://www.leeds.gov.uk/b")).json()
    leeds: Person = signed_in(client, smtp, "officer@leeds.example", "Leeds City Council")
    page = leeds.get(f"/my/submissions/{record['id']}").text
    shown = re.search(r'<div id="reason-submission">.*?</div>', page, re.S)
    assert shown and "<dt>Why both should stand</dt>" in shown.group(0)
    assert CLEANED in shown.group(0) and "never published" in shown.group(0)
    assert 'id="reason-submission"' not in leeds.get(f"/my/submissions/{plain['id']}").text
