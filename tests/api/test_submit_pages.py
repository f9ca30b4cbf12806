"""Submitting in the browser, for council officers: the guidance before any typing; drafts kept
on the server and only the council's own; errors in GOV.UK's shape naming each field; the
safeguarding findings at the words that caused them (on the form, in the live help and marked on
check your answers); submit, amend at the version read, withdraw; and email to the council's
people at each change of state, through a real SMTP server."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.config import Settings
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, invite, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_moderation_races import at_once
from tests.api.test_people_and_forms import signed_in as moderator_signed_in

LEEDS, YORK = "officer@leeds.example", "officer@york.example"
FLAGGED = "Chloe, 15, was missing school. The hub found her a mentor."
FIXED = "A 15-year-old girl was missing school. The hub found her a mentor."


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def signed_in(client: TestClient, smtp: SmtpServer, email: str, council: str) -> Person:
    invite(client, email, "council", council)
    person = Person.at(client)
    person.open_link(smtp.inbox.link_to(email))
    assert person.confirm().status_code == 303
    return person


def form(**overrides: Any) -> dict[str, Any]:
    """A complete form, as an officer fills it in."""
    fields: dict[str, Any] = {
        "title": "Mentors for young people missing school",
        "summary": "Volunteer mentors help teenagers who miss school get back to lessons.",
        "region": "Yorkshire and the Humber",
        "challenge": "Too many teenagers were missing school for weeks at a time.",
        "solution": FIXED,
        "impact": "Attendance rose for most of the young people mentored.",
        "outcomes": "Persistent absence fell from 30% to 18%",
        "evidence": "measured",
        "priority_areas": ["early-help"],
        "age_bands": ["11-16"],
        "themes": ["education", "adolescents"],
    }
    return fields | overrides


def post(person: Person, path: str, data: dict[str, Any]) -> Response:
    """Post a form from the person's last page, with its CSRF token."""
    person.last = person.client.post(
        path, data={"csrf_token": person.token(), **data}, follow_redirects=False
    )
    return person.last


TAGS = ("priority_areas", "age_bands", "themes")


def tagged(person: Person, number: int, **overrides: Any) -> Response:
    """The tags page after the writing, ticked as `form` ticks it, and Continue."""
    person.get(f"/submit/drafts/{number}/tags")
    ticked = {name: form(**overrides)[name] for name in TAGS}
    return post(person, f"/submit/drafts/{number}/tags", ticked | {"action": "continue"})


def draft_id(response: Response) -> int:
    found = re.search(r"/submit/drafts/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def test_the_guidance_comes_before_any_typing(client: TestClient) -> None:
    page = Person.at(client).get("/submit")
    assert page.status_code == 200
    assert "What makes a useful case study" in page.text
    for rule in ("name with their age", "date of birth", "school with their year group",
                 "home address or postcode", "phone number"):  # fmt: skip
        assert rule in page.text
    assert "<textarea" not in page.text and 'href="/sign-in?next=/submit/new"' in page.text
    # the form itself is for signed-in council officers
    assert Person.at(client).get("/submit/new").headers["location"].startswith("/sign-in")


def test_an_officer_drafts_sees_the_finding_fixes_it_and_submits(
    client: TestClient, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    saved = post(leeds, "/submit/new", {"title": "Mentors", "solution": FLAGGED, "action": "save"})
    assert saved.status_code == 303
    number = draft_id(saved)

    page = leeds.get(f"/submit/drafts/{number}?saved=true")  # the finding, at the field
    assert "Your draft has been saved" in page.text
    findings = page.text.split('id="solution-findings"')[1].split('id="lessons"')[0]
    assert '<q class="finding-words">Chloe, 15, was missing school.</q>' in findings
    assert "names someone next to their age" in findings
    assert "The hub found her a mentor" not in findings  # only the sentence that caused it
    listing = leeds.get("/my/submissions")
    assert f'href="/submit/drafts/{number}">Mentors</a>' in listing.text

    leeds.get(f"/submit/drafts/{number}")
    incomplete = post(leeds, f"/submit/drafts/{number}", {"title": "Mentors", "action": "continue"})
    assert incomplete.status_code == 422 and "There is a problem" in incomplete.text
    for field, message in {
        "summary": "Enter a summary",
        "challenge": "Enter the challenge",
        "region": "Select the region",
    }.items():
        assert f'<a href="#{field}">{message}</a>' in incomplete.text
        assert f'id="{field}"' in incomplete.text  # the link lands on the field
    assert "Select at least one priority area" not in incomplete.text  # that is the next page's

    complete = post(leeds, f"/submit/drafts/{number}", form(solution=FLAGGED, action="continue"))
    assert complete.headers["location"] == f"/submit/drafts/{number}/tags"
    leeds.get(complete.headers["location"])
    untagged = post(leeds, f"/submit/drafts/{number}/tags", {"action": "continue"})
    assert untagged.status_code == 422 and "There is a problem" in untagged.text
    assert '<a href="#priority_areas-group">Select at least one priority area</a>' in untagged.text
    # A tag group's link lands on the group, which takes focus with its question on top (its
    # first box is past the tags the text suggests, out of sight below the question).
    assert '<fieldset class="fieldset" id="priority_areas-group" tabindex="-1"' in untagged.text
    assert tagged(leeds, number).headers["location"] == f"/submit/drafts/{number}/check"
    check = leeds.get(f"/submit/drafts/{number}/check")
    assert check.status_code == 200 and "Check your answers" in check.text
    assert 'title="This names someone next to their age.' in check.text
    assert ">Chloe, 15, was missing school.</mark> The hub found her a mentor." in check.text
    assert "found 1 passage to look at" in check.text
    for kind, words in (("priority_areas", "priority areas"), ("age_bands", "ages"),
                        ("themes", "themes")):  # fmt: skip
        link = f'href="/submit/drafts/{number}/tags?checking=true#{kind}-group">Change'
        assert f'{link}<span class="visually-hidden"> {words}<' in check.text  # not its first box
    # Come back to by "Change", the writing has a way back to the check after its first
    # section, not only at its end (past "What happened", some 3,000 px on a phone).
    back = '<button type="submit" name="action" value="check">Continue to check your answers'
    changing = leeds.get(f"/submit/drafts/{number}?checking=true").text
    assert changing.count(back) == 1
    assert changing.index("Region") < changing.index(back) < changing.index("The challenge")
    assert back not in leeds.get(f"/submit/drafts/{number}").text  # writing it: one way on

    leeds.get(f"/submit/drafts/{number}")
    post(leeds, f"/submit/drafts/{number}", form(action="continue"))  # fixed
    check = leeds.get(f"/submit/drafts/{number}/check")
    assert "<mark" not in check.text
    sent = post(leeds, f"/submit/drafts/{number}/send", {})
    assert sent.status_code == 303
    record = int(sent.headers["location"].rsplit("/", 1)[1])
    done = leeds.get(sent.headers["location"])
    assert "Case study submitted" in done.text and f"BF-{record:05d}" in done.text

    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS and "received" in m["Subject"])
    assert mail["Subject"] == "We have received Mentors for young people missing school"
    assert f"http://testserver/my/submissions/{record}" in mail.get_content()
    listing = leeds.get("/my/submissions")
    assert "Drafts" not in listing.text and "Waiting for review" in listing.text
    assert leeds.get(f"/submit/drafts/{number}").status_code == 404  # it became the submission
    leeds.get(f"/my/submissions/{record}")
    again = post(leeds, f"/submit/drafts/{number}/send", {})
    assert again.status_code == 404


def test_the_help_follows_the_text_as_it_is_written(client: TestClient, smtp: SmtpServer) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    text = {"summary": "Early help for families. Call 0113 496 0000 to refer.", "title": "Hub"}
    helped = post(leeds, "/submit/help", text)
    assert helped.status_code == 200 and helped.headers["cache-control"] == "no-store"
    part = helped.text.split('id="summary-findings"')[1].split("</div>\n</div>")[0]
    assert "Call 0113 496 0000 to refer." in part and "gives a phone number" in part
    assert "-suggestions" not in helped.text  # the tags are on their own page, from the saved text
    assert "0 things" not in helped.text and "found 1 passage" in helped.text


def test_councils_see_only_their_own_drafts(client: TestClient, smtp: SmtpServer) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    number = draft_id(post(leeds, "/submit/new", form(title="Leeds private draft")))
    york = signed_in(client, smtp, YORK, "City of York Council")
    for path in ("", "/tags", "/check", "/delete"):
        page = york.get(f"/submit/drafts/{number}{path}")
        assert page.status_code == 404 and "Leeds private draft" not in page.text
    york.get("/my/submissions")
    assert "Leeds private draft" not in york.last.text  # type: ignore[union-attr]
    for path in ("", "/tags", "/send", "/delete"):
        york.get("/my/submissions")
        assert post(york, f"/submit/drafts/{number}{path}", form()).status_code == 404
    page = leeds.get(f"/submit/drafts/{number}")
    assert "Leeds private draft" in page.text  # untouched
    post(leeds, f"/submit/drafts/{number}", form(title="Leeds private draft", action="continue"))
    tagged(leeds, number)
    leeds.get(f"/submit/drafts/{number}/check")
    record = post(leeds, f"/submit/drafts/{number}/send", {}).headers["location"].split("/")[-1]
    assert york.get(f"/submit/sent/{record}").status_code == 404
    assert york.get(f"/my/submissions/{record}/withdraw").status_code == 404
    for path in ("amend", "withdraw"):
        york.get("/my/submissions")
        refused = post(york, f"/my/submissions/{record}/{path}", {"version": "1"})
        assert refused.status_code == 404 and "Leeds private draft" not in refused.text
    assert york.get("/my/submissions").text.count("Leeds private draft") == 0


def test_bad_input_gets_a_page_that_says_what_to_fix(client: TestClient, smtp: SmtpServer) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    odd = post(leeds, "/submit/new", {"title": "x", "action": "publish"})
    assert odd.status_code == 422 and "Save as draft" in odd.text
    assert odd.headers["content-type"].startswith("text/html")
    assert leeds.get("/submit/drafts/0").status_code == 422
    leeds.get("/submit/new")
    forged = leeds.client.post("/submit/new", data=form(), follow_redirects=False)
    assert forged.status_code == 403 and "This form has expired" in forged.text
    # A length message says the one limit broken (GOV.UK's "… characters or more/fewer").
    long = post(
        leeds,
        "/submit/new",
        form(summary="word " * 300, title="t" * 201, outcomes="o" * 301, action="continue"),
    )
    assert long.status_code == 422
    assert '<a href="#summary">Summary must be 800 characters or fewer</a>' in long.text
    assert '<a href="#title">Title must be 200 characters or fewer</a>' in long.text
    assert '<a href="#outcomes">Each outcome must be 300 characters or fewer</a>' in long.text
    many = "\n".join(f"Outcome {n}" for n in range(31))
    short = post(leeds, "/submit/new", form(summary="Too short.", outcomes=many, action="continue"))
    assert short.status_code == 422
    assert '<a href="#summary">Summary must be 20 characters or more</a>' in short.text
    assert '<a href="#outcomes">Enter no more than 30 outcomes</a>' in short.text
    assert "must be between" not in short.text + long.text


@pytest.mark.parametrize("typed", ["March 2024", "mar 2024", "Sept. 2023", "2024-03"])
def test_a_month_written_as_officers_write_it_is_taken(
    client: TestClient, smtp: SmtpServer, keys: Keys, typed: str
) -> None:
    """ "March 2024" in "When was it first published?" was refused as not "a real date in the
    past"; it is one, and it is what an officer types."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    written = post(leeds, "/submit/new", form(published=typed, action="continue"))
    assert written.status_code == 303, written.text
    done = tagged(leeds, draft_id(written))
    check = leeds.get(done.headers["location"])  # check your answers: the month in words
    month = "September 2023" if typed.startswith("Sept") else "March 2024"
    assert f'<dd class="answer-text">{month}</dd>' in check.text
    sent = post(leeds, done.headers["location"].removesuffix("/check") + "/send", {})
    record = int(sent.headers["location"].rsplit("/", 1)[1])
    stored = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.leeds)).json()
    assert stored["published"] == ("2023-09" if typed.startswith("Sept") else "2024-03")
    leeds.get("/submit/new")
    refused = post(leeds, "/submit/new", form(published="Marchember 2024", action="continue"))
    assert refused.status_code == 422 and "like 2024, 2024-03 or March 2024" in refused.text


def test_save_pressed_twice_on_a_new_form_keeps_one_draft(
    client: TestClient, smtp: SmtpServer
) -> None:
    """A double-click on "Save as draft" of a new case study sent the form twice, and each post
    started a draft: the officer's list then held two copies, to be told apart and one deleted."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    data = {"csrf_token": leeds.token(), **form(), "action": "save"}

    def press() -> Response:
        return leeds.client.post("/submit/new", data=data, follow_redirects=False)

    answers = [*at_once(press, press), press()]
    assert len({draft_id(a) for a in answers}) == 1
    other = leeds.client.post("/submit/new", data={**data, "title": "Another case study"})
    assert draft_id(other.history[0]) != draft_id(answers[0])


def test_a_title_with_a_line_break_still_gets_its_emails(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """A title pasted with a line break (or a Unicode line separator) made every email about
    the case study fail until it was given up on: a mail header may not hold one, so the
    officers never heard it was received, sent back or published."""
    signed_in(client, smtp, LEEDS, "Leeds City Council")
    title = "Kinship hub\r\nfor carers\u2028in Leeds"
    assert submit(client, keys.leeds, make_draft(title=title)).status_code == 201
    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS and "received" in m["Subject"])
    assert mail["Subject"] == "We have received Kinship hub for carers in Leeds"


def test_change_pressed_twice_at_once_starts_one_draft(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """A double-click on "Change" sent two posts together: each found no draft of the change
    and started one, so the officer typed into one draft and "Continue your changes" opened
    the other, empty of what they wrote."""
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get(f"/my/submissions/{record}")
    token = leeds.token()

    def press() -> Response:
        path = f"/my/submissions/{record}/amend"
        return leeds.client.post(path, data={"csrf_token": token}, follow_redirects=False)

    answers = at_once(*[press] * 4)
    assert [a.status_code for a in answers] == [303] * 4
    assert len({draft_id(a) for a in answers}) == 1


def test_an_officer_amends_when_changes_are_requested(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    message = "Please add how many carers the hub supported."
    asked = client.post(
        f"/api/v1/moderation/{record}/request-changes",
        json={"message": message},
        headers=auth(keys.moderator),
    )
    assert asked.status_code == 200
    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS and "Changes" in m["Subject"])
    assert mail["Subject"] == "Changes requested to Kinship hub" and message in mail.get_content()

    page = leeds.get(f"/my/submissions/{record}")
    assert message in page.text and "Make the changes" in page.text
    started = post(leeds, f"/my/submissions/{record}/amend", {})
    number = draft_id(started)
    page = leeds.get(started.headers["location"])
    assert "Change your case study" in page.text and "Kinship carers felt unsupported" in page.text
    # It is written already: a way on after its first section, to the tags (as a new case
    # study goes), not past them to the check.
    on = '<button type="submit" name="action" value="continue">Continue to the tags</button>'
    assert page.text.count(on) == 1
    assert page.text.index("Region") < page.text.index(on) < page.text.index("The challenge")
    assert "Continue to check your answers" not in page.text
    listed = leeds.get("/my/submissions").text  # the draft says which submission it changes
    cell = re.search(rf"<td>Changes to <span[^>]*>BF-{record:05d}</span>.*?</td>", listed, re.S)
    assert cell and " ".join(re.sub(r"<[^>]+>", " ", cell.group(0)).split()) == (
        f"Changes to BF-{record:05d} Changes requested"  # and what state it is in
    )
    fields = form(title="Kinship hub", impact="The hub supported 95 carers in its first year.")
    onward = post(leeds, f"/submit/drafts/{number}", fields | {"action": "continue"})
    assert onward.headers["location"] == f"/submit/drafts/{number}/tags"
    # A page with the old button ("check") goes on to the tags all the same.
    leeds.get(f"/submit/drafts/{number}")
    stale = post(leeds, f"/submit/drafts/{number}", fields | {"action": "check"})
    assert stale.headers["location"] == f"/submit/drafts/{number}/tags"
    check = leeds.get(f"/submit/drafts/{number}/check")
    assert "Send the changes" in check.text
    sent = post(leeds, f"/submit/drafts/{number}/send", {})
    assert leeds.get(sent.headers["location"]).text.count("Changes sent") >= 1
    now = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.leeds)).json()
    assert now["status"] == "submitted" and now["version"] == 3
    assert "95 carers" in now["body"]
    smtp.inbox.wait_for(lambda m: m["To"] == LEEDS and "changes to" in m["Subject"])


def test_the_changes_asked_for_are_in_view_while_the_officer_makes_them(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """The moderators' message is on the form and on check your answers of the draft of the
    changes they asked for (it was only on the submission's own page); a change nobody asked
    for shows none."""
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get(f"/my/submissions/{record}")
    unasked = draft_id(post(leeds, f"/my/submissions/{record}/amend", {}))
    assert "asked you to change" not in leeds.get(f"/submit/drafts/{unasked}").text
    message = "Please add how many carers the hub supported & since when."
    client.post(
        f"/api/v1/moderation/{record}/request-changes",
        json={"message": message},
        headers=auth(keys.moderator),
    )
    leeds.get(f"/my/submissions/{record}")
    number = draft_id(post(leeds, f"/my/submissions/{record}/amend", {}))
    shown = '<h2>What the campaign team asked you to change</h2>\n  <p class="message">'
    asked = shown + "Please add how many carers the hub supported &amp; since when.</p>"
    assert asked in leeds.get(f"/submit/drafts/{number}").text
    post(leeds, f"/submit/drafts/{number}", form(title="Kinship hub") | {"action": "continue"})
    assert asked in leeds.get(f"/submit/drafts/{number}/check").text


def test_an_amendment_of_a_version_since_changed_is_refused(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get(f"/my/submissions/{record}")
    number = draft_id(post(leeds, f"/my/submissions/{record}/amend", {}))
    reason = "We already hold this case study."
    client.post(
        f"/api/v1/moderation/{record}/reject", json={"reason": reason}, headers=auth(keys.moderator)
    )
    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS and "will not be" in m["Subject"])
    assert reason in mail.get_content()
    leeds.get(f"/submit/drafts/{number}/check")
    refused = post(leeds, f"/submit/drafts/{number}/send", {})
    assert refused.status_code == 409 and "it is now rejected. Nothing was changed" in refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert leeds.get(f"/submit/drafts/{number}").status_code == 200  # nothing lost


def test_a_draft_started_before_a_colleagues_change_is_named_before_it_is_replaced(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """Pressing "Change the case study" again replaces a draft started from an older version:
    the page says so first, and links to the old draft to copy from, so no one loses their
    unsent words unseen."""
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get(f"/my/submissions/{record}")
    number = draft_id(post(leeds, f"/my/submissions/{record}/amend", {}))
    page = leeds.get(f"/my/submissions/{record}").text
    assert "cannot be sent" not in page  # the draft is of the version shown
    client.patch(
        f"/api/v1/submissions/{record}", json={"summary": "A newer summary of the hub."},
        headers=auth(keys.leeds),
    )  # fmt: skip
    page = leeds.get(f"/my/submissions/{record}").text
    assert "last changed, so it cannot be sent" in page
    assert f'href="/submit/drafts/{number}">Open the old draft</a>' in page
    assert leeds.get(f"/submit/drafts/{number}").status_code == 200  # still there to copy from
    again = draft_id(post(leeds, f"/my/submissions/{record}/amend", {}))
    assert again != number
    page = leeds.get(f"/my/submissions/{record}").text
    assert "cannot be sent" not in page


def test_an_officer_withdraws_the_version_they_saw(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    question = leeds.get(f"/my/submissions/{record}/withdraw")
    assert (
        "Withdraw this case study?" in question.text and 'name="version" value="1"' in question.text
    )
    done = post(leeds, f"/my/submissions/{record}/withdraw", {"version": "1"})
    assert done.headers["location"] == f"/my/submissions/{record}?withdrawn=true"
    page = leeds.get(done.headers["location"])
    assert (
        "You have withdrawn this case study" in page.text
        and "Change the case study" not in page.text
    )
    stale = submit(client, keys.leeds, make_draft(title="Second hub")).json()["id"]
    leeds.get(f"/my/submissions/{stale}/withdraw")
    client.patch(
        f"/api/v1/submissions/{stale}", json={"summary": "A newer summary of the second hub."},
        headers=auth(keys.leeds),
    )  # fmt: skip
    refused = post(leeds, f"/my/submissions/{stale}/withdraw", {"version": "1"})
    assert refused.status_code == 409
    status = client.get(f"/api/v1/submissions/{stale}", headers=auth(keys.leeds)).json()["status"]
    assert status == "submitted"


def test_the_council_hears_when_its_case_study_is_published(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    invite(client, LEEDS, "council", "Leeds City Council")
    invite(client, YORK, "council", "City of York Council")
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    published = client.post(f"/api/v1/moderation/{record}/publish", json={},
                            headers=auth(keys.moderator))  # fmt: skip
    assert published.status_code == 200
    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS and "published" in m["Subject"])
    assert mail["Subject"] == "Kinship hub is published"
    assert [m["Subject"] for m in smtp.inbox.to(YORK)] == [
        "You have an account on Bright Futures case study search"
    ]  # another council's people hear nothing


def test_the_submission_pages_answer_machines_with_problems(
    client: TestClient, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    json = {"accept": "application/json"}
    missing = leeds.client.get("/submit/drafts/999", headers=json)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    leeds.get("/submit/new")
    data = {"csrf_token": leeds.token(), "title": "Mentors", "action": "continue"}
    invalid = leeds.client.post("/submit/new", data=data, headers=json)
    assert invalid.status_code == 422
    pointers = [e["pointer"] for e in invalid.json()["errors"]]
    assert pointers[:3] == ["#/summary", "#/region", "#/challenge"]


def test_a_sent_drafts_number_is_never_another_drafts(client: TestClient, smtp: SmtpServer) -> None:
    """Sending the newest draft leaves its number unused: the next draft gets a new one, and
    the old address says plainly that the draft is not there, rather than opening another."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    sent_number = draft_id(post(leeds, "/submit/new", form(action="save")))
    tagged(leeds, sent_number)
    leeds.get(f"/submit/drafts/{sent_number}/check")
    assert post(leeds, f"/submit/drafts/{sent_number}/send", {}).status_code == 303
    leeds.get("/submit/new")
    new_number = draft_id(post(leeds, "/submit/new", form(title="Another", action="save")))
    assert new_number > sent_number
    for path in (f"/submit/drafts/{sent_number}", f"/submit/drafts/{sent_number}/check"):
        old = leeds.get(path)
        assert old.status_code == 404
        assert (
            "<title>This draft is not here – Bright Futures case study search</title>" in old.text
        )
        assert f"There is no draft {sent_number} among your council's drafts." in old.text
        assert 'href="/my/submissions"' in old.text and "Another" not in old.text


def test_the_lists_give_each_submissions_reference(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """Two submissions may share a title: the officer's list and the moderators' queue give each
    its reference, the one its confirmation and its emails quote."""
    first = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    second = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    mine = leeds.get("/my/submissions").text
    moderator = moderator_signed_in(client, smtp, "moderator@campaign.example", "moderator")
    queue = moderator.get("/moderation").text
    for record in (first, second):
        reference = f"BF-{record:05d}"
        assert f'Kinship hub</a><br><span class="meta">{reference}</span>' in mine
        assert f'<span class="meta">{reference} · Leeds City Council · version 1</span>' in queue
