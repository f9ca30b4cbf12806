"""A council officer reads again, on their submission's page, what they sent: the short fields
as a summary list and the body rendered as the published page renders it. To read it they had
to start a change, which made a draft. Another council's officer still gets a 404."""

import re

from fastapi.testclient import TestClient

from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person
from tests.api.conftest import Keys, auth, submit
from tests.api.test_amendments import NEW_SUMMARY, decide, propose, published
from tests.api.test_moderation_pages import leeds, moderator, settings
from tests.api.test_people_and_forms import signed_in

__all__ = ["leeds", "moderator", "settings"]  # the fixtures, shared

BODY = """## In plain words

Families who **look after a relative's child** get help on the phone.

## The challenge

Kinship carers felt unsupported and alone.

## The impact

| Year | Carers supported |
| ---- | ---------------- |
| 2022 | 40 |
| 2023 | 95 |
"""


def as_sent(page: str) -> str:
    """The page's "what you sent" section (empty if it has none)."""
    found = re.search(r'<section class="as-sent".*?</section>\s*<h2 id="history"', page, re.S)
    return found.group(0) if found else ""


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_officer_reads_what_they_sent_as_it_would_be_published(
    client: TestClient, leeds: Person, keys: Keys
) -> None:
    draft = make_draft(body=BODY, partners=["NHS Leeds"], published="2024-03")
    sent = submit(client, keys.leeds, draft)
    assert sent.status_code == 201, sent.text
    page = leeds.get(f"/my/submissions/{sent.json()['id']}")
    assert page.status_code == 200
    shown = as_sent(page.text)
    assert '<h2 id="sent-heading">What you sent</h2>' in shown
    text = words(shown)
    assert "Summary A hub that gives kinship carers advice, training and peer support." in text
    assert "Partners NHS Leeds" in text and "Measured outcomes Carers supported rose" in text
    # The council's own date, as the form names it: not "Published", as if the campaign had
    assert "First published March 2024" in text and "Published March" not in text
    # The body rendered, through the published page's code: Markdown is not shown as typed
    assert "<strong>look after a relative's child</strong>" in shown and "**" not in shown
    assert 'class="table-scroll"' in shown and "<td>95</td>" in shown
    plain = shown.split('id="sent-plain-heading">In plain words</h3>')[1].split("</section>")[0]
    assert "relative's child" in plain and "The challenge" in shown.split(plain)[1]
    assert "| Year |" not in shown
    # Reading it made no draft
    assert "Drafts" not in leeds.get("/my/submissions").text


def test_the_officer_reads_the_changes_they_proposed_to_a_published_one(
    client: TestClient, leeds: Person, keys: Keys
) -> None:
    live = published(client, keys)
    before = leeds.get(f"/my/submissions/{live['id']}").text
    assert as_sent(before) == ""  # published and nothing proposed: its page is the one to read
    assert propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).status_code == 201
    shown = as_sent(leeds.get(f"/my/submissions/{live['id']}").text)
    assert '<h2 id="sent-heading">The changes you proposed</h2>' in shown
    assert f"Summary {NEW_SUMMARY}" in words(shown)
    assert "Title Kinship carers support hub" in words(shown)  # the rest as published


def test_the_officer_reads_the_changes_they_proposed_once_they_are_closed(
    client: TestClient, smtp: SmtpServer, leeds: Person, keys: Keys
) -> None:
    """Rejected, withdrawn or published, the last proposed changes are read back as sent (a
    rejected one beside the moderators' reason), and still not by another council."""
    live = published(client, keys)
    page = f"/my/submissions/{live['id']}"

    rejected = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    reason = "The old summary says more about who the hub is for."
    assert decide(client, keys, rejected["id"], "reject", {"reason": reason}).status_code == 200
    text = leeds.get(page).text
    shown = as_sent(text)
    assert '<h2 id="sent-heading">The changes you proposed</h2>' in shown
    assert f"Summary {NEW_SUMMARY}" in words(shown) and "were not published" in words(shown)
    assert f"Why they were not published {reason}" in words(text)
    york = signed_in(client, smtp, "officer@york.example", "council", "City of York Council")
    assert york.get(page).status_code == 404

    withdrawn = propose(client, keys.leeds, live, {"title": "Kinship hub, withdrawn"}).json()
    gone = client.delete(f"/api/v1/amendments/{withdrawn['id']}", headers=auth(keys.leeds))
    assert gone.status_code == 200, gone.text
    shown = as_sent(leeds.get(page).text)
    assert "Title Kinship hub, withdrawn" in words(shown) and "You withdrew them" in words(shown)
    assert NEW_SUMMARY not in shown  # the last proposed changes, not the rejected ones

    kept = propose(client, keys.leeds, live, {"programme": "Kinship North"}).json()
    assert decide(client, keys, kept["id"], "publish").status_code == 200
    shown = as_sent(leeds.get(page).text)
    assert "Programme Kinship North" in words(shown) and "published them" in words(shown)
    assert "Kinship hub, withdrawn" not in shown


def test_another_councils_officer_gets_what_they_got_before(
    client: TestClient, smtp: SmtpServer, leeds: Person, keys: Keys
) -> None:
    sent = submit(client, keys.leeds, make_draft(body=BODY)).json()
    york = signed_in(client, smtp, "officer@york.example", "council", "City of York Council")
    theirs = york.get(f"/my/submissions/{sent['id']}")
    nobodys = york.get("/my/submissions/99999")
    assert theirs.status_code == nobodys.status_code == 404
    assert words(theirs.text) == words(nobodys.text).replace("99999", str(sent["id"]))
    assert "relative's child" not in theirs.text and "kinship carers advice" not in theirs.text
