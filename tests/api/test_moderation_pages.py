"""The moderators' pages: the queue and its filters, the review page (findings marked in place,
the amendment's changes, tags and near duplicates, the history), decisions taken in two steps on
the version on screen (a stale one gets a page that says so and changes nothing), coverage and
searches, API keys and embedding. A council user gets 403 on every one of them and every action;
nobody signed in is sent to sign in; every form needs its CSRF token; nothing unpublished
reaches a public page."""

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.store.keys import create_key
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person
from tests.api.conftest import Keys, auth, submit
from tests.api.test_error_shape import assert_problem
from tests.api.test_people_and_forms import signed_in
from tests.api.test_submission_versions import act

MODERATOR, LEEDS = "moderator@campaign.example", "officer@leeds.example"
FLAGGED_BODY = (
    "## The challenge\n\nChloe, 15, was missing from home most weekends.\n\n"
    "## The solution\n\nA youth worker met her weekly.\n\n## The impact\n\nShe stayed safe."
)


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return settings.model_copy(update={"smtp_url": smtp.url, "public_url": "http://testserver"})


@pytest.fixture
def moderator(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, MODERATOR, "moderator")


@pytest.fixture
def leeds(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, LEEDS, "council", "Leeds City Council")


def flagged(client: TestClient, keys: Keys, title: str = "Missing from home") -> dict[str, Any]:
    sent = submit(client, keys.leeds, make_draft(title=title, body=FLAGGED_BODY))
    assert sent.status_code == 201, sent.text
    assert sent.json()["safeguarding"]["flagged"]
    record: dict[str, Any] = sent.json()
    return record


def decide(person: Person, record_id: int, action: str, version: int, words: str = "") -> Any:
    """Open the decision's page from the review page, then press its button."""
    page = person.get(f"/moderation/submissions/{record_id}/{action}?version={version}")
    assert page.status_code in (200, 409), page.text
    return person.submit(
        f"/moderation/submissions/{record_id}/{action}", {"version": str(version), "words": words}
    )


def test_moderators_land_on_the_queue_oldest_first(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    first = flagged(client, keys, "First one in")
    submit(client, keys.york, make_draft(title="Second one in", council="City of York Council"))
    person = signed_in(client, smtp, MODERATOR, "moderator")
    assert person.last is not None and person.last.headers["location"] == "/moderation"
    page = person.get("/moderation")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert page.text.index("First one in") < page.text.index("Second one in")
    assert "Safeguarding: 1 found" in page.text
    york = person.get("/moderation?council=City+of+York+Council")
    assert "Second one in" in york.text and "First one in" not in york.text
    # On a phone the filters wait behind a disclosure that says how many are in use.
    assert '<summary>Filter <span class="chosen-count">(1 selected)</span></summary>' in page.text
    assert '<span class="chosen-count">(2 selected)</span>' in york.text
    only_flagged = person.get("/moderation?flagged=yes")
    assert "First one in" in only_flagged.text and "Second one in" not in only_flagged.text
    none = person.get("/moderation?state=published")
    assert "First one in" not in none.text and "Nothing matches" in none.text
    assert f'href="/moderation/submissions/{first["id"]}"' in page.text
    assert person.get("/moderation?flagged=maybe").status_code == 422


def test_the_review_page_marks_findings_in_place_and_shows_the_amendment(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = flagged(client, keys)
    page = moderator.get(f"/moderation/submissions/{record['id']}")
    assert page.status_code == 200
    assert '<mark class="finding">Chloe, 15, was missing from home most weekends.</mark>' in (
        page.text
    )
    assert "names someone next to their age" in page.text
    assert "there is no earlier version to compare" in page.text
    assert "Confirm the safeguarding check" in page.text
    assert ">Publish</button>" not in page.text  # not offered until the check is confirmed
    assert '">Reject submission</button>' in page.text  # says what it does, to what
    confirm = moderator.get(f"/moderation/submissions/{record['id']}/reject?version=1")
    assert ">Reject submission</button>" in confirm.text and ">Reject</button>" not in confirm.text
    # The council amends: the page shows what changed, word by word.
    body = FLAGGED_BODY.replace("Chloe, 15, was", "A teenager was")
    amended = client.patch(
        f"/api/v1/submissions/{record['id']}",
        json={"body": body},
        headers={**auth(keys.leeds), "If-Match": '"1"'},
    )
    assert amended.status_code == 200, amended.text
    page = moderator.get(f"/moderation/submissions/{record['id']}")
    assert "Decide on version 2" in page.text and 'class="finding">Chloe' not in page.text
    assert re.search(r"<del>.*Chloe, 15, .*</del>", page.text)
    assert re.search(r"<ins>.*A teenager .*</ins>", page.text)
    assert "It found nothing" in page.text


def test_a_decision_is_confirmed_then_applies_to_the_version_on_screen(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = flagged(client, keys)
    rid = record["id"]
    # Publishing is not offered, and refused, until the check is confirmed.
    assert decide(moderator, rid, "publish", 1).status_code == 409
    assert "confirm the check first" in moderator.last.text  # type: ignore[union-attr]
    empty = decide(moderator, rid, "confirm-safeguarding", 1)
    assert empty.status_code == 422 and '<a href="#words">Enter what you checked</a>' in empty.text
    done = decide(moderator, rid, "confirm-safeguarding", 1, "Chloe is an invented name.")
    assert done.status_code == 303
    review = moderator.get(done.headers["location"])
    assert "Safeguarding check confirmed" in review.text.split("banner-heading")[1][:80]
    assert "Confirmed for version 1" in review.text
    assert 'Safeguarding check confirmed</strong> <span class="meta">version 2' in review.text
    published = decide(moderator, rid, "publish", 2)
    assert published.status_code == 303
    assert client.get(f"/case-studies/{record['slug']}").status_code == 200
    search = client.get("/api/v1/search", params={"q": "Missing from home"}).json()
    assert record["slug"] in [r["slug"] for r in search["results"]]


def test_a_stale_version_gets_a_page_that_says_so_and_changes_nothing(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Raced")).json()
    rid = record["id"]
    moderator.get(f"/moderation/submissions/{rid}/publish?version=1")
    client.patch(  # the council amends while the moderator reads
        f"/api/v1/submissions/{rid}",
        json={"summary": "A newer summary of the hub, with more about who it is for."},
        headers=auth(keys.leeds),
    )
    late = moderator.submit(f"/moderation/submissions/{rid}/publish", {"version": "1"})
    assert late.status_code == 409
    assert "Someone else changed this submission" in late.text
    assert "version 2" in late.text and "Review version 2" in late.text
    assert "Waiting for review</strong>." in late.text  # no space before the full stop
    now = client.get(f"/api/v1/submissions/{rid}", headers=auth(keys.moderator)).json()
    assert now["status"] == "submitted" and now["version"] == 2
    stale_link = moderator.get(f"/moderation/submissions/{rid}/reject?version=1")
    assert stale_link.status_code == 409 and "Review version 2" in stale_link.text


def test_a_decision_that_came_second_is_told_what_came_first_and_who_took_it(
    client: TestClient, moderator: Person, smtp: SmtpServer, keys: Keys
) -> None:
    """Told only that the submission had changed, the second moderator had to open the
    review and read its history to learn that a colleague had rejected it, and why."""
    second = signed_in(client, smtp, "second@campaign.example", "moderator")
    rid = submit(client, keys.leeds, make_draft(title="Two at once")).json()["id"]
    second.get(f"/moderation/submissions/{rid}/publish?version=1")  # opened, not yet pressed
    assert decide(moderator, rid, "reject", 1, "Out of scope for the campaign.").status_code == 303
    late = second.submit(f"/moderation/submissions/{rid}/publish", {"version": "1"})
    assert late.status_code == 409
    since = late.text.split("What happened since you opened it")[1].split("Nothing was done")[0]
    assert "Rejected" in since and "Out of scope for the campaign." in since
    assert MODERATOR in html.unescape(re.sub(r"<wbr>", "", since))
    now = client.get(f"/api/v1/submissions/{rid}", headers=auth(keys.moderator)).json()
    assert now["status"] == "rejected"


def test_the_officer_reads_the_moderators_message_as_what_it_was_once_answered(
    client: TestClient, moderator: Person, leeds: Person, keys: Keys
) -> None:
    """Resent or withdrawn, the request for changes stayed under "The moderators' last
    message", as if it still stood."""
    rid = submit(client, keys.leeds, make_draft(title="Answered")).json()["id"]
    decide(moderator, rid, "request-changes", 1, "Add the numbers, please.")

    def heading() -> str:
        page = leeds.get(f"/my/submissions/{rid}").text
        found = re.search(r"<h2>([^<]*)</h2>\s*<p class=\"message\">Add the numbers", page)
        assert found, page
        return html.unescape(found.group(1))

    assert heading() == "What the moderators asked you to change"
    assert act(client, keys.leeds, rid, "amend").status_code == 200  # sent back for review
    assert heading() == "What the moderators asked for last time"
    assert act(client, keys.leeds, rid, "withdraw").status_code == 200
    assert heading() == "The moderators' last message, before it was withdrawn"


def test_request_changes_reject_and_unpublish_carry_their_words(
    client: TestClient, moderator: Person, leeds: Person, keys: Keys
) -> None:
    one = submit(client, keys.leeds, make_draft(title="Needs work")).json()
    two = submit(client, keys.leeds, make_draft(title="Not for us")).json()
    three = submit(client, keys.leeds, make_draft(title="Out it goes")).json()
    asked = decide(moderator, one["id"], "request-changes", 1, "Add the numbers, please.")
    assert asked.status_code == 303
    assert decide(moderator, two["id"], "reject", 1, "Out of scope.").status_code == 303
    assert decide(moderator, three["id"], "publish", 1).status_code == 303
    assert decide(moderator, three["id"], "unpublish", 2, "Wrong council.").status_code == 303
    assert client.get(f"/case-studies/{three['slug']}").status_code == 404
    mine = leeds.get(f"/my/submissions/{one['id']}")
    assert "Add the numbers, please." in mine.text
    history = moderator.get(f"/moderation/submissions/{three['id']}")
    assert "Unpublished" in history.text and "Wrong council." in history.text
    assert decide(moderator, two["id"], "publish", 2).status_code == 409  # rejected: not now


def test_an_unpublished_case_study_says_unpublished_on_every_page_and_why(
    client: TestClient, moderator: Person, leeds: Person, keys: Keys
) -> None:
    """Unpublishing sends a case study back to its council as `changes_requested` (the API's
    state stays so), but the pages said "Changes requested" for it, which nobody had asked for:
    they say "Unpublished", and the council's page says why; a later request for changes is
    "Changes requested" again."""
    asked = submit(client, keys.leeds, make_draft(title="Asked to change")).json()
    gone = submit(client, keys.leeds, make_draft(title="Taken down")).json()
    assert (
        decide(moderator, asked["id"], "request-changes", 1, "Add the numbers.").status_code == 303
    )
    assert decide(moderator, gone["id"], "publish", 1).status_code == 303
    assert decide(moderator, gone["id"], "unpublish", 2, "Names a child.").status_code == 303
    api = client.get(f"/api/v1/submissions/{gone['id']}", headers=auth(keys.moderator)).json()
    assert api["status"] == "changes_requested"

    def states(page: str) -> list[str]:
        return re.findall(r'class="status-tag[^"]*">([^<]+)<', page)

    def row(page: str, title: str) -> str:
        found = re.search(rf"<tr>(?:(?!</tr>).)*{title}(?:(?!</tr>).)*</tr>", page, re.S)
        assert found, title
        return found.group(0)

    mine = leeds.get("/my/submissions").text
    queue = moderator.get("/moderation?state=changes_requested").text
    for page in (mine, queue):
        assert states(row(page, "Taken down")) == ["Unpublished"]
        assert states(row(page, "Asked to change")) == ["Changes requested"]
    officer = leeds.get(f"/my/submissions/{gone['id']}").text
    assert states(officer)[0] == "Unpublished"
    assert "Why the moderators unpublished it" in officer and "Names a child." in officer
    assert "It is no longer on the site." in officer
    assert states(moderator.get(f"/moderation/submissions/{gone['id']}").text)[0] == "Unpublished"
    deciding = moderator.get(f"/moderation/submissions/{gone['id']}/reject?version=3").text
    assert states(deciding) == ["Unpublished"]  # "State now", before rejecting it
    stale = moderator.get(f"/moderation/submissions/{gone['id']}/reject?version=2")
    assert stale.status_code == 409 and states(stale.text) == ["Unpublished"]
    # A decision not open to it says why in the same words, not the state's ("changes requested").
    not_now = moderator.get(f"/moderation/submissions/{gone['id']}/publish?version=3")
    assert not_now.status_code == 409
    assert (
        "This case study is unpublished, so it is back with the council to amend. You can only "
        "publish a case study that is waiting for review." in not_now.text
    )
    again = moderator.get(f"/moderation/submissions/{asked['id']}/request-changes?version=2").text
    assert "This case study has changes requested, so it is back with the council" in again
    assert "You can only request changes to a case study that is waiting for review." in again
    asked_page = leeds.get(f"/my/submissions/{asked['id']}").text
    assert states(asked_page)[0] == "Changes requested" and "unpublished it" not in asked_page

    # Sent back again, this time by a request for changes: the later event decides.
    assert (
        act(
            client, keys.leeds, gone["id"], "amend", body={"title": "Taken down, fixed"}
        ).status_code
        == 200
    )
    assert decide(moderator, gone["id"], "request-changes", 4, "And the date.").status_code == 303
    assert states(row(leeds.get("/my/submissions").text, "Taken down, fixed")) == [
        "Changes requested"
    ]


SECTIONS_CHANGED = "The challenge, The solution, The impact"  # the body's, as the form names them


def test_the_history_says_what_changed_in_the_forms_words_and_not_that_it_is_so_now(
    client: TestClient, moderator: Person, leeds: Person, keys: Keys
) -> None:
    """An amendment's history entry names the fields as the form does ("Measured outcomes", not
    "outcomes"; never "body" or "source_url"), and an old entry does not say the submission is
    "now" in a state it has since left."""
    record = submit(client, keys.leeds, make_draft(title="Hub for young carers")).json()["id"]
    changed = {"body": FLAGGED_BODY.replace("Chloe, 15,", "A girl"), "source_url": None}
    changed |= {"outcomes": ["Missing episodes fell from 12 to 3 a month"]}
    assert decide(moderator, record, "request-changes", 1, "Costs?").status_code == 303
    assert act(client, keys.leeds, record, "amend", body=changed).status_code == 200
    for page in (
        leeds.get(f"/my/submissions/{record}"),
        moderator.get(f"/moderation/submissions/{record}"),
    ):
        text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
        assert f"Changed: {SECTIONS_CHANGED}, Measured outcomes" in text
        assert "Changed: body" not in text and "now Waiting for review" not in text
        for did in ("Amended", "Submitted"):  # the moderator's page adds "version N"
            assert re.search(did + r"( version \d+)? – moved to Waiting for review", text)


def test_the_queue_and_the_review_page_read_as_sentences(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    """A clean submission's checks are "Nothing found" (a bare "None" read as if no check had
    run), and a page with one decision says "It asks you to confirm", not "Each"."""
    record = submit(client, keys.leeds, make_draft(title="Clean hub")).json()["id"]
    queue = " ".join(re.sub(r"<[^>]+>", " ", moderator.get("/moderation").text).split())
    assert "Checks: Nothing found" in queue and "Checks: None" not in queue
    assert "Waiting since" in queue and "Last changed" not in queue
    review = moderator.get(f"/moderation/submissions/{record}").text
    assert "Each asks you to confirm" in review  # publish, request changes, reject
    assert decide(moderator, record, "publish", 1).status_code == 303
    review = moderator.get(f"/moderation/submissions/{record}").text
    assert "It asks you to confirm" in review and "Each asks" not in review  # unpublish alone
    published = moderator.get("/moderation?state=published").text
    assert "Clean hub" in published  # a published case study waits for nobody
    assert "Last changed" in published and "Waiting since" not in published


def test_council_users_get_403_on_every_moderation_page_and_action(
    client: TestClient, leeds: Person, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft()).json()
    rid = record["id"]
    pages = [
        "/moderation",
        f"/moderation/submissions/{rid}",
        f"/moderation/submissions/{rid}/publish?version=1",
        "/moderation/coverage",
        "/moderation/searches",
        "/moderation/keys",
        "/moderation/keys/1/revoke",
        "/moderation/embeds",
        "/moderation/embeds/1/remove",
    ]
    for path in pages:
        page = leeds.get(path)
        assert page.status_code == 403, path
        assert "for moderators and admins" in page.text
    actions = [
        *(f"/moderation/submissions/{rid}/{a}" for a in ("publish", "reject", "unpublish")),
        f"/moderation/submissions/{rid}/request-changes",
        f"/moderation/submissions/{rid}/confirm-safeguarding",
        "/moderation/keys/1/revoke",
        "/moderation/embeds",
        "/moderation/embeds/1/remove",
    ]
    for path in actions:
        leeds.get("/my/submissions")  # a page with this browser's token
        answer = leeds.submit(path, {"version": "1", "words": "x" * 10, "origin": "https://a.b"})
        assert answer.status_code == 403, path
    now = client.get(f"/api/v1/submissions/{rid}", headers=auth(keys.leeds)).json()
    assert now["version"] == 1 and now["status"] == "submitted"
    anyone = Person.at(client)
    for path in pages:
        assert anyone.get(path).headers["location"].startswith("/sign-in?next=")


def test_coverage_and_searches_show_charts_with_their_tables(
    client: TestClient, moderator: Person
) -> None:
    for query in ("fostering", "fostering", "zzzqqq nothing"):
        client.get("/api/v1/search", params={"q": query})
    coverage = moderator.get("/moderation/coverage")
    assert coverage.status_code == 200
    assert re.search(r'class="num heat heat-\d"><a href="/\?priority_area=', coverage.text)
    searches = moderator.get("/moderation/searches?days=7")
    assert searches.status_code == 200
    assert searches.text.count('<svg class="chart') == 3
    assert searches.text.count('<svg class="spark"') == 3  # fostering, and the miss, day by day
    assert 'aria-label="fostering: 2 searches over the period' in searches.text
    times = '<td class="num"><span class="cell-label">Times: </span>2</td>'
    assert '<td><a href="/?q=fostering">fostering</a></td>' + times in searches.text
    assert "zzzqqq nothing" in searches.text.split("Searches that found nothing")[1]
    assert moderator.get("/moderation/searches?days=0").status_code == 422


def test_what_anyone_typed_is_listed_readably_on_the_searches_page(
    client: TestClient, moderator: Person
) -> None:
    """Control characters are not words: a search of nothing else is not counted (it was an
    empty link), and elsewhere they count as spaces; the searches' cells may break a long word."""
    for query in ("\x00", "\x00\x1f", "fost\x00ering", "https://www.example.gov.uk/kinship-care"):
        client.get("/", params={"q": query})
    page = moderator.get("/moderation/searches?days=7").text
    assert '<a href="/?q="></a>' not in page and "\x00" not in page
    assert '<a href="/?q=fost%20ering">fost ering</a>' in page
    # each wraps its searches' words
    assert page.count('<table class="table searched stack-narrow">') == 2


def test_api_keys_are_listed_without_secrets_and_revoked(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        key, secret = create_key(session, "council", "Leeds City Council", "Leeds's CRM")
    page = moderator.get("/moderation/keys")
    assert key.prefix in page.text and secret not in page.text and "Leeds&#39;s CRM" in page.text
    for other in (keys.leeds, keys.york, keys.moderator, keys.admin):
        assert other not in page.text
    ask = moderator.get(f"/moderation/keys/{key.id}/revoke")
    assert ask.status_code == 200 and "stops working at once" in ask.text
    assert "<dt>For</dt><dd>Council: Leeds City Council" in ask.text  # as the list says it
    assert client.get("/api/v1/submissions", headers=auth(secret)).status_code == 200
    done = moderator.submit(f"/moderation/keys/{key.id}/revoke")
    assert done.status_code == 303
    assert "no longer works" in moderator.get(done.headers["location"]).text
    assert client.get("/api/v1/submissions", headers=auth(secret)).status_code == 401
    assert moderator.get("/moderation/keys/99999/revoke").status_code == 404


def test_a_moderator_may_not_revoke_an_admins_key(
    client: TestClient, smtp: SmtpServer, moderator: Person
) -> None:
    """As a moderator may not revoke an admin's account, nor an admin's key: the keys page let
    one, and whatever the operator ran with that key stopped at once."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        key, secret = create_key(session, "admin", label="operator's integration")
    page = moderator.get("/moderation/keys")
    assert key.prefix in page.text and f"/moderation/keys/{key.id}/revoke" not in page.text
    asked = moderator.get(f"/moderation/keys/{key.id}/revoke")
    assert asked.status_code == 403 and "ask an admin" in asked.text
    moderator.get("/moderation/keys")
    assert moderator.submit(f"/moderation/keys/{key.id}/revoke").status_code == 403
    assert client.get("/api/v1/submissions", headers=auth(secret)).status_code == 200
    admin = signed_in(client, smtp, "admin@campaign.example", "admin")
    admin.get(f"/moderation/keys/{key.id}/revoke")
    assert admin.submit(f"/moderation/keys/{key.id}/revoke").status_code == 303
    assert client.get("/api/v1/submissions", headers=auth(secret)).status_code == 401


def test_embed_origins_are_added_and_removed(client: TestClient, moderator: Person) -> None:
    moderator.get("/moderation/embeds")
    bad = moderator.submit("/moderation/embeds", {"origin": "not a website"})
    assert bad.status_code == 422 and 'href="#origin"' in bad.text
    words = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", bad.text).split()))
    assert "cannot be added: it must start with https:// (or http://)" in words  # not "origin"
    assert "not a website's origin" not in words and "Write the website's address alone" in words
    added = moderator.submit(
        "/moderation/embeds", {"origin": "https://Campaign.Example/", "note": "Our site"}
    )
    assert added.status_code == 303
    listing = moderator.get(added.headers["location"])
    assert "https://campaign.example may now embed the search" in listing.text
    assert client.get("/embed", headers={"Origin": "https://campaign.example"}).status_code < 500
    found = re.search(r'href="/moderation/embeds/(\d+)/remove"', listing.text)
    assert found
    again = moderator.submit("/moderation/embeds", {"origin": "https://campaign.example"})
    assert again.status_code == 422
    # A web editor pastes the page they will put the search on: its website is added, and said.
    assert 'href="/#embed">get the code from the search page</a>' in listing.text
    page = "https://www.Leeds.gov.uk/children-and-families/?from=menu#hubs"
    pasted = moderator.submit("/moderation/embeds", {"origin": page})
    assert pasted.status_code == 303
    told = moderator.get(pasted.headers["location"]).text
    assert "https://www.leeds.gov.uk may now embed the search, on any of its pages" in told
    moderator.get(f"/moderation/embeds/{found.group(1)}/remove")
    gone = moderator.submit(f"/moderation/embeds/{found.group(1)}/remove")
    assert gone.status_code == 303
    assert "can no longer embed" in moderator.get(gone.headers["location"]).text


def test_the_moderation_pages_carry_the_security_headers(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = flagged(client, keys)
    paths = [
        "/moderation",
        f"/moderation/submissions/{record['id']}",
        f"/moderation/submissions/{record['id']}/confirm-safeguarding?version=1",
        "/moderation/coverage",
        "/moderation/searches",
        "/moderation/keys",
        "/moderation/embeds",
    ]
    for path in paths:
        page = moderator.get(path)
        assert page.status_code == 200, path
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "style-src 'self'" in csp or "default-src 'self'" in csp, path
        assert page.headers["cache-control"] == "no-store"
        assert "<script" not in page.text and ' style="' not in page.text, path
    # Nothing unpublished reaches a public page.
    assert client.get(f"/case-studies/{record['slug']}").status_code == 404
    assert "Missing from home" not in client.get("/?q=missing+from+home").text


def test_the_moderation_pages_answer_with_problems_to_json_clients(
    client: TestClient, leeds: Person, moderator: Person, keys: Keys
) -> None:
    """401 (not signed in), 403 (a council's account; no CSRF token), 404 (no such record or
    decision), 422 (a bad filter): problem+json for a client that asks for JSON."""
    record = submit(client, keys.leeds, make_draft()).json()
    json = {"accept": "application/json"}
    review = f"/moderation/submissions/{record['id']}"
    assert_problem(client.get("/moderation", headers=json), 401, "/moderation")
    assert_problem(leeds.client.get(review, headers=json), 403, review)
    assert_problem(
        leeds.client.get("/moderation/coverage", headers=json), 403, "/moderation/coverage"
    )
    publish = f"{review}/publish"
    assert_problem(
        moderator.client.post(publish, data={"version": "1"}, headers=json), 403, publish
    )
    missing = "/moderation/submissions/999999"
    assert_problem(moderator.client.get(missing, headers=json), 404, missing)
    odd = f"{review}/approve"
    assert_problem(moderator.client.get(odd + "?version=1", headers=json), 404, odd)
    assert_problem(
        moderator.client.get("/moderation/searches?days=x", headers=json),
        422,
        "/moderation/searches",
    )
    for path in (missing, "/moderation/keys/99999/revoke"):
        page = moderator.get(path)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "<h1>" in page.text


def test_the_moderation_bar_links_only_to_pages_that_are_served(moderator: Person) -> None:
    """Synonyms and best bets come from another branch: linked only once they are served."""
    page = moderator.get("/moderation")
    links = re.findall(r'<nav class="mod-nav".*?</nav>', page.text, re.S)[0]
    hrefs = re.findall(r'href="([^"]+)"', links)
    assert {"/moderation", "/moderation/coverage", "/people", "/moderation/keys"} <= set(hrefs)
    for href in hrefs:
        assert moderator.get(href).status_code == 200, href


def test_every_moderation_page_keeps_the_bar_and_marks_itself(moderator: Person) -> None:
    """A moderator who opens Synonyms, Best bets, People or the out-of-date list still has the
    bar to go on from (these pages once dropped it), and the out-of-date list is in it: it was
    reachable only by typing its address."""
    hrefs = re.findall(r'href="([^"]+)"', _bar(moderator.get("/moderation").text))
    assert "/moderation/stale" in hrefs
    for href in hrefs:
        page = moderator.get(href).text
        bar = _bar(page)
        assert f'<a href="{href}" aria-current="page">' in bar, href
        # Each page once: the account bar above does not repeat the moderation bar's links.
        assert page.count('href="/people"') == 1, href


def _bar(html: str) -> str:
    found = re.findall(r'<nav class="mod-nav".*?</nav>', html, re.S)
    assert found, "no moderation bar"
    return str(found[0])
