"""The pages around an amendment to a published case study, through HTTP: once closed
(published, rejected, withdrawn) its review page says what happened and when, offers no
decision, and shows only what the council changed; its history says whose version each event
made; the council officer's list flags a published case study with changes waiting."""

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.conftest import Keys, auth
from tests.api.test_amendments import NEW_SUMMARY, decide, propose, published
from tests.api.test_people_and_forms import signed_in

CLOSE = {  # how each closing is done, and what the review page says afterwards
    "publish": ("publish", {"note": "Thanks"}, "Published on"),
    "reject": ("reject", {"reason": "The old summary is clearer."}, "Rejected on"),
    "withdraw": (None, None, "Withdrawn by the council on"),
}


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def moderator(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, "moderator@campaign.example", "moderator")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, heading_id: str) -> str:
    """The text of the page's section headed by `heading_id`."""
    start = html.index(f'id="{heading_id}"')
    return text(html[start : html.index("</section>", start)])


@pytest.mark.parametrize("how", CLOSE)
def test_a_closed_amendments_review_says_what_happened_and_offers_no_decision(
    client: TestClient, keys: Keys, moderator: Person, how: str
) -> None:
    live = published(client, keys)
    amendment = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    action, body, outcome = CLOSE[how]
    if action:
        assert decide(client, keys, amendment["id"], action, body).status_code == 200
    else:
        url = f"/api/v1/amendments/{amendment['id']}"
        assert client.delete(url, headers=auth(keys.leeds)).status_code == 200

    page = moderator.get(f"/moderation/amendments/{amendment['id']}")
    assert page.status_code == 200
    facts = text(page.text)
    assert "stays public until you publish" not in facts
    assert outcome in facts and "No decision is open" in facts
    public = f'<a href="/case-studies/{live["slug"]}">{live["title"]}</a>'  # its name, not its path
    assert public in page.text and ">/case-studies/" not in page.text
    assert 'action="/moderation/amendments/' not in page.text  # no decision's form
    changed = section(page.text, "diff-heading")
    assert "Summary" in changed and "quokka" in changed
    assert "Updated" not in changed  # publishing dates the case study: not the council's change
    assert "changed 1 part of the case study" in changed
    if body:
        said = next(iter(body.values()))
        assert f"{'The note' if how == 'publish' else 'The reason given'}: {said}" in section(
            page.text, "decide-heading"
        )


def test_an_open_amendments_review_still_offers_its_decisions(
    client: TestClient, keys: Keys, moderator: Person
) -> None:
    live = published(client, keys)
    changes = {"summary": NEW_SUMMARY, "title": "Kinship hub, renamed"}
    amendment = propose(client, keys.leeds, live, changes).json()
    page = moderator.get(f"/moderation/amendments/{amendment['id']}")
    assert "stays public until you publish these changes" in text(page.text)
    # The link to the public page says where it goes: the title published there, not the path
    # (nor the changes' new title, in the heading).
    public = f'<a href="/case-studies/{live["slug"]}">{live["title"]}</a> stays public'
    assert public in page.text and ">/case-studies/" not in page.text
    assert "<h1>Kinship hub, renamed</h1>" in page.text
    assert "Decide on version 1 of these changes" in text(page.text)
    assert "change 2 parts of the case study" in section(page.text, "diff-heading")
    # Named at the top, with a way to the changes, which follow the whole case study.
    facts = page.text[: page.text.index('class="review-layout"')]
    assert 'What changed</dt><dd>Title, Summary (<a href="#diff-heading">see what' in facts
    confirm = text(moderator.get(f"/moderation/amendments/{amendment['id']}/reject?version=1").text)
    assert "Version of the changes you reviewed 1" in confirm
    assert "State of the changes now Waiting for review" in confirm
    # The buttons say what they do to what (GOV.UK): changes, not a submission.
    assert '">Reject changes</button>' in page.text and ">Reject</button>" not in page.text
    assert "Reject changes</button>" in moderator.last.text  # type: ignore[union-attr]


def test_the_history_says_whose_version_each_event_made(
    client: TestClient, keys: Keys, moderator: Person
) -> None:
    live = published(client, keys)  # the case study: submitted (1), published (2)
    first = propose(client, keys.leeds, live, {"title": "A change withdrawn"}).json()
    client.delete(f"/api/v1/amendments/{first['id']}", headers=auth(keys.leeds))
    amendment = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    decide(client, keys, amendment["id"], "request-changes", {"message": "Say where."})
    client.patch(
        f"/api/v1/amendments/{amendment['id']}",
        json={"programme": "Kinship North"},
        headers=auth(keys.leeds),
    )

    page = moderator.get(f"/moderation/amendments/{amendment['id']}")
    start = page.text.index('id="history-heading"')
    history = re.findall(
        r'<strong>([^<]+)</strong> <span class="meta">([^<]+)</span>',
        page.text[start : page.text.index("</section>", start)],
    )
    assert history == [  # newest first: each opening claims the case study, a version more
        ("Proposed changes changed", "version 3 of these changes"),
        ("Changes requested to the proposed changes", "version 2 of these changes"),
        ("Changes proposed to the published case study", "version 1 of these changes"),
        ("Proposed changes withdrawn", "version 2 of other proposed changes"),
        ("Changes proposed to the published case study", "version 1 of other proposed changes"),
        ("Published", "case study version 2"),
        ("Submitted", "case study version 1"),
    ]
    assert "Version of these changes 3" in text(page.text)
    review = moderator.get(f"/moderation/submissions/{live['id']}")  # the case study's own
    assert '<strong>Published</strong> <span class="meta">version 2</span>' in review.text


def test_the_officers_list_flags_changes_waiting_on_a_published_case_study(
    client: TestClient, keys: Keys, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, "officer@leeds.example", "council", "Leeds City Council")
    waiting = published(client, keys, title="Kinship hub with changes waiting")
    asked = published(client, keys, title="Kinship hub with changes asked for")
    published(client, keys, title="Kinship hub left alone")
    propose(client, keys.leeds, waiting, {"summary": NEW_SUMMARY})
    sent: dict[str, Any] = propose(client, keys.leeds, asked, {"summary": NEW_SUMMARY}).json()
    decide(client, keys, sent["id"], "request-changes", {"message": "Say where."})

    rows = {
        text(title): text(state)
        for title, state in re.findall(
            r"<tr>\s*<td><a [^>]*>(.*?)</a>.*?</td>\s*<td>(.*?)</td>",  # the title, the state
            leeds.get("/my/submissions").text,
            re.S,
        )
    }
    assert rows["Kinship hub with changes waiting"] == (
        "Published Changes proposed: Waiting for review "
        "See the changes to Kinship hub with changes waiting"
    )
    assert rows["Kinship hub with changes asked for"].startswith(
        "Published Changes proposed: Changes requested"
    )
    assert rows["Kinship hub left alone"] == "Published"
    page = leeds.get("/my/submissions").text
    assert f'href="/my/submissions/{waiting["id"]}#changes"' in page
    assert 'id="changes"' in leeds.get(f"/my/submissions/{waiting['id']}").text


def test_the_officer_sees_what_became_of_their_last_changes(
    client: TestClient, keys: Keys, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, "officer@leeds.example", "council", "Leeds City Council")
    live = published(client, keys)
    sent = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    decide(client, keys, sent["id"], "reject", {"reason": "The old summary is clearer."})
    page = text(leeds.get(f"/my/submissions/{live['id']}").text)
    assert "Your last proposed changes State Rejected Rejected" in page
    assert "Why they were not published The old summary is clearer." in page
    assert "Change the published case study" in page
    # the history says it is the changes that were rejected, not the case study
    assert "Proposed changes rejected – the changes moved to Rejected" in page


def test_the_changes_asked_for_a_published_case_study_are_on_the_officers_draft(
    client: TestClient, keys: Keys, smtp: SmtpServer
) -> None:
    """The moderators' message about proposed changes is on the draft of those changes too."""
    leeds = signed_in(client, smtp, "officer@leeds.example", "council", "Leeds City Council")
    live = published(client, keys, title="Kinship hub with changes asked for")
    sent: dict[str, Any] = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    decide(client, keys, sent["id"], "request-changes", {"message": "Say which wards it covers."})
    leeds.get(f"/my/submissions/{live['id']}")
    started = leeds.client.post(
        f"/my/submissions/{live['id']}/amend",
        data={"csrf_token": leeds.token()},
        follow_redirects=False,
    )
    form = text(leeds.get(started.headers["location"]).text)
    assert "What the campaign team asked you to change Say which wards it covers." in form


QUESTIONED = (
    "## The challenge\n\nKinship carers felt unsupported and alone.\n\n"
    "## The solution\n\nA hub with a helpline, training evenings and peer groups.\n\n"
    "## The impact\n\nCarers said they felt less alone.\n\n"
    "## Questions it helps answer\n\n- who helps grandparents raising grandchildren\n"
)


def test_a_change_to_the_questions_alone_is_shown_and_named_as_the_questions(
    client: TestClient, keys: Keys, moderator: Person
) -> None:
    """An amendment that changes only the "Questions it helps answer" was summed up as "What
    happened (the challenge, solution, impact, lessons or plain words)", with the whole body in
    its diff: the moderator had to find the change. Now it is that section's, by its name, and
    the sections that did not change are not in the diff."""
    live = published(client, keys, body=QUESTIONED)
    asked = QUESTIONED.replace("who helps grandparents", "where can a nan get help")
    amendment = propose(client, keys.leeds, live, {"body": asked}).json()

    page = moderator.get(f"/moderation/amendments/{amendment['id']}").text
    assert "<dt>What changed</dt><dd>Questions it helps answer (" in page
    changed = section(page, "diff-heading")
    assert "change 1 part of the case study" in changed and "Questions it helps answer" in changed
    assert (
        "[removed: who helps grandparents ]" in changed
        and "[added: where can a nan get help ]" in changed
    )
    assert "What happened" not in changed and "helpline" not in changed  # the solution's
    history = section(page, "history-heading")
    assert "Changed: Questions it helps answer" in history and "What happened" not in history


def test_a_decision_on_changes_that_changed_is_told_what_came_first_and_who_took_it(
    client: TestClient, keys: Keys, moderator: Person, smtp: SmtpServer
) -> None:
    """The page said "Someone else changed this submission" of proposed changes, and not what
    was done to them or by whom: the second moderator had to open the review to learn it."""
    second = signed_in(client, smtp, "second@campaign.example", "moderator")
    live = published(client, keys)
    amendment = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    base = f"/moderation/amendments/{amendment['id']}"
    second.get(f"{base}/reject?version=1")  # opened, not yet pressed
    moderator.get(f"{base}/request-changes?version=1")
    asked = moderator.submit(f"{base}/request-changes", {"version": "1", "words": "Say where."})
    assert asked.status_code == 303
    late = second.submit(f"{base}/reject", {"version": "1", "words": "Out of scope."})
    assert late.status_code == 409
    facts = text(html.unescape(late.text.replace("<wbr>", "")))
    assert "Someone else changed these proposed changes" in facts and "submission" not in facts
    assert "You were looking at version 1 of these changes" in facts
    since = facts.split("What happened since you opened it")[1].split("Nothing was done")[0]
    assert "Changes requested to the proposed changes" in since and "Say where." in since
    assert "moderator@campaign.example" in since and "Changes proposed" not in since
    stale_link = second.get(f"{base}/reject?version=1")  # the same, before pressing
    assert stale_link.status_code == 409 and "Say where." in stale_link.text
    now = client.get(f"/api/v1/amendments/{amendment['id']}", headers=auth(keys.moderator))
    assert now.json()["status"] == "changes_requested"  # not rejected
