"""The moderators' pages for everyday words and best bets, through their forms (with CSRF
tokens) as a signed-in browser uses them; a council officer is refused."""

import html
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.config import Settings
from app.store.curation_tables import BestBet, CurationChange, LaySynonym
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_lay_language import searched, slugs
from tests.api.test_people_and_forms import signed_in

PINNED = ("north-family-support", "south-fostering")


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def moderator(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, "moderator@campaign.example", "moderator")


def test_a_moderator_accepts_a_suggestion_from_the_page(
    client: TestClient, moderator: Person
) -> None:
    searched(client, "traineeships")
    page = moderator.get("/moderation/synonyms")
    assert page.status_code == 200
    assert "“traineeships”" in page.text
    assert page.headers["cache-control"] == "no-store"
    # The bar names the page as its heading does, not by the thesaurus's word.
    assert '<a href="/moderation/synonyms" aria-current="page">Everyday words</a>' in page.text
    assert "<h1>Everyday words</h1>" in page.text and ">Synonyms<" not in page.text
    # The suggestions, most of the job, come first; the form for a phrase of one's own after
    # (on a phone they were about 900 px down, below it).
    assert page.text.index('<h3 id="suggestion-1">') < page.text.index('id="decide-heading"')
    refused = moderator.submit(
        "/moderation/synonyms", {"phrase": "traineeships", "targets": "kickstart"}
    )
    assert refused.status_code == 422
    assert "No published case study says “kickstart”" in refused.text
    assert 'href="#targets"' in refused.text  # the error summary links to the field
    done = moderator.submit(
        "/moderation/synonyms",
        {"phrase": "traineeships", "targets": "apprenticeships", "decision": "accept"},
    )
    assert done.status_code == 303
    shown = moderator.get(done.headers["location"])
    assert "Searches for “traineeships” now also find apprenticeships" in shown.text
    assert slugs(client, "traineeships") == ["north-care-leavers"]
    forget = shown.text.split('action="/moderation/synonyms/')[1].split('"')[0]
    forgotten = moderator.submit(f"/moderation/synonyms/{forget}")
    assert forgotten.status_code == 303
    notice = moderator.get(forgotten.headers["location"]).text
    assert "The decision on “traineeships” is forgotten" in notice
    assert slugs(client, "traineeships") == []


UNDO = re.compile(r'<form method="post" action="([^"]+)" class="banner-undo">(.*?)</form>', re.S)


def undo_form(page: str) -> tuple[str, dict[str, str]]:
    """The notice's Undo: where it posts and its hidden fields (the CSRF token aside)."""
    found = UNDO.search(page)
    assert found, page
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', found.group(2)))
    fields.pop("csrf_token")
    return found.group(1), {k: html.unescape(v) for k, v in fields.items()}


def test_a_forgotten_decision_says_what_it_did_and_can_be_undone(
    client: TestClient, moderator: Person
) -> None:
    """Forget acts at once (it is easily put back, so GOV.UK would not ask first); the notice
    says which decision went and what it did, and its Undo decides it again, note and all."""
    searched(client, "traineeships")
    moderator.get("/moderation/synonyms")
    decided = {"phrase": "traineeships", "targets": "apprenticeships", "note": "Kickstart's too"}
    moderator.submit("/moderation/synonyms", decided | {"decision": "accept"})
    shown = moderator.get("/moderation/synonyms").text
    forget = shown.split('action="/moderation/synonyms/')[1].split('"')[0]
    forgotten = moderator.submit(f"/moderation/synonyms/{forget}")
    notice = moderator.get(forgotten.headers["location"]).text
    assert (
        "The decision on “traineeships” is forgotten: searches for it no longer also find"
        " apprenticeships" in notice
    )
    assert slugs(client, "traineeships") == []
    action, fields = undo_form(notice)
    undo = decided | {"decision": "accept", "put_back": "true"}
    assert (action, fields) == ("/moderation/synonyms", undo)
    assert 'Undo<span class="visually-hidden"> and accept “traineeships” again</span>' in notice
    undone = moderator.submit(action, fields)
    assert undone.status_code == 303
    again = moderator.get(undone.headers["location"]).text
    assert "Searches for “traineeships” now also find apprenticeships" in again
    assert "Kickstart&#39;s too" in again  # the note came back with it
    assert slugs(client, "traineeships") == ["north-care-leavers"]
    # a dismissal forgotten may be proposed again; its Undo dismisses it again
    moderator.submit("/moderation/synonyms", {"phrase": "zorbing", "decision": "dismiss"})
    shown = moderator.get("/moderation/synonyms").text
    forget = re.findall(r'action="/moderation/synonyms/(\d+/forget)"', shown)[-1]
    notice = moderator.get(moderator.submit(f"/moderation/synonyms/{forget}").headers["location"])
    assert "The decision on “zorbing” is forgotten: it may be proposed again" in notice.text
    assert undo_form(notice.text)[1] == {
        "phrase": "zorbing",
        "targets": "",
        "note": "",
        "decision": "dismiss",
        "put_back": "true",
    }


def backdated(client: TestClient, table: Any, by: str, at: str) -> tuple[str, datetime]:
    """The table's one row made 40 days ago: who made it, and when that now is."""
    app: Any = client.app
    with Session(app.state.engine) as session:
        row = session.exec(select(table)).one()
        made = getattr(row, by), getattr(row, at) - timedelta(days=40)
        session.execute(update(table).values({at: made[1]}))
        session.commit()
    return made


def forgotten(moderator: Person, forget: str) -> str:
    """The page after Forget: its notice, with Undo."""
    return moderator.get(
        moderator.submit(f"/moderation/synonyms/{forget}").headers["location"]
    ).text


def test_an_undone_forget_keeps_who_decided_and_when(
    client: TestClient, moderator: Person, smtp: SmtpServer, keys: Keys
) -> None:
    """Undo put a decision back "by you, now": the Decided table named whoever pressed Undo. It
    is back as its decider made it, and the table says who forgot it and put it back; the change
    log keeps every step. An Undo whose decision was edited, or decided again since, is refused."""
    searched(client, "traineeships")
    decided = {"phrase": "traineeships", "targets": "apprenticeships", "note": "Kickstart's too"}
    moderator.get("/moderation/synonyms")
    moderator.submit("/moderation/synonyms", decided | {"decision": "accept"})
    app: Any = client.app
    made_by, made_at = backdated(client, LaySynonym, "decided_by", "decided_at")
    other = signed_in(client, smtp, "second.moderator@campaign.example", "moderator")
    shown = other.get("/moderation/synonyms").text
    forget = shown.split('action="/moderation/synonyms/')[1].split('"')[0]
    action, fields = undo_form(forgotten(other, forget))
    edited = other.submit(action, fields | {"note": "Decided after the helpline's review"})
    assert edited.status_code == 422  # not the decision forgotten: not put back in its name
    assert "cannot be put back as it was" in edited.text
    undone = other.submit(action, fields)
    assert undone.status_code == 303
    table = other.get(undone.headers["location"]).text.split('id="decided-heading"')[1]
    by = table.split("</tr>")[1]
    assert "moderator@campaign.example (moderator)" in by
    assert f'datetime="{made_at.isoformat()}"' in by  # its day, not today's
    assert "Forgotten, then put back by second.moderator@campaign.example (moderator)" in by
    listed = client.get("/api/v1/synonyms", headers=auth(keys.moderator)).json()
    assert [(s["phrase"], s["decided_by"]) for s in listed["synonyms"]] == [
        ("traineeships", made_by)
    ]
    with Session(app.state.engine) as session:
        steps = session.exec(select(CurationChange).order_by(col(CurationChange.id))).all()
    assert [(c.action, c.actor == made_by) for c in steps] == [
        ("accepted", True),
        ("removed", False),
        ("restored", False),
    ]
    assert slugs(client, "traineeships") == ["north-care-leavers"]
    # decided again after a Forget: that Undo can no longer bring back the old decision
    shown = other.get("/moderation/synonyms").text
    forget = shown.split('action="/moderation/synonyms/')[1].split('"')[0]
    action, fields = undo_form(forgotten(other, forget))
    moderator.get("/moderation/synonyms")
    moderator.submit("/moderation/synonyms", {"phrase": "traineeships", "decision": "dismiss"})
    late = other.submit(action, fields)
    assert late.status_code == 422 and "cannot be put back as it was" in late.text
    assert "Forgotten, then put back" not in other.get("/moderation/synonyms").text


def test_a_moderator_dismisses_a_suggestion_from_the_page(
    client: TestClient, moderator: Person
) -> None:
    searched(client, "zorbing")
    moderator.get("/moderation/synonyms")
    done = moderator.submit("/moderation/synonyms", {"phrase": "zorbing", "decision": "dismiss"})
    assert done.status_code == 303
    shown = moderator.get(done.headers["location"])
    assert "“zorbing” dismissed" in shown.text
    assert "Nothing to decide" in shown.text


def test_a_moderator_pins_and_unpins_from_the_page(client: TestClient, moderator: Person) -> None:
    page = moderator.get("/moderation/best-bets")
    assert page.status_code == 200
    # Titles repeat between councils: each choice, and each pin, names the council too.
    choice = "Family support at home (North Tyneside Council)"
    assert f'<option value="north-family-support">{choice}</option>' in page.text
    missing = moderator.submit("/moderation/best-bets", {"query": "foster carers"})
    assert missing.status_code == 422
    assert "Choose the case study to pin." in missing.text
    done = moderator.submit(
        "/moderation/best-bets",
        {"query": "foster carers", "slug": "north-family-support", "match": "exact"},
    )
    assert done.status_code == 303
    shown = moderator.get(done.headers["location"])
    assert "Pinned to “foster carers”, in position 1" in shown.text
    assert f'<a href="/case-studies/north-family-support">{choice}</a>' in shown.text
    assert slugs(client, "foster carers")[0] == "north-family-support"
    again = moderator.submit(
        "/moderation/best-bets",
        {"query": "foster carers", "slug": "north-family-support", "match": "exact"},
    )
    assert again.status_code == 422  # named as the choice reads, beside the choice, not the search
    said = "“Family support at home” is already pinned to “foster carers”: choose another"
    assert f'<a href="#slug">{said} case study.</a>' in again.text
    assert '<p id="slug-error" class="error-message">' in again.text
    assert "north-family-support is already" not in again.text
    unpin = shown.text.split('action="/moderation/best-bets/')[1].split('"')[0]
    unpinned = moderator.submit(f"/moderation/best-bets/{unpin}")
    assert unpinned.status_code == 303
    notice = moderator.get(unpinned.headers["location"]).text  # which one, as its button said
    assert "Family support at home (North Tyneside Council) unpinned from “foster carers”" in notice
    assert slugs(client, "foster carers")[0] == "south-fostering"


def test_an_unpin_is_undone_back_to_its_place(client: TestClient, moderator: Person) -> None:
    """Unpin acts at once; its notice's Undo pins the case study again where it was (second of
    three, not last), and a store with a gap counts the place as the list showed it."""
    pinned_with_a_gap(client, moderator)  # north 1, south 3: the list shows them 1 and 2
    moderator.get("/moderation/best-bets")
    moderator.submit("/moderation/best-bets", {"query": "carers", "slug": "east-early-years"})
    order = slugs(client, "carers")[:3]
    assert order == ["north-family-support", "south-fostering", "east-early-years"]
    app: Any = client.app
    with Session(app.state.engine) as session:  # 1, 3, 4, as a store from before may hold
        for slug, position in (("south-fostering", 3), ("east-early-years", 4)):
            where = col(BestBet.slug) == slug
            session.execute(update(BestBet).where(where).values(position=position))
        session.commit()
    page = moderator.get("/moderation/best-bets").text
    second = re.findall(r'action="/moderation/best-bets/(\d+)/unpin"', page)[1]
    notice = moderator.get(
        moderator.submit(f"/moderation/best-bets/{second}/unpin").headers["location"]
    )
    assert "Recruiting foster carers for teenagers (Somerset Council) unpinned from “carers”" in (
        notice.text
    )
    assert slugs(client, "carers")[:2] == ["north-family-support", "east-early-years"]
    action, fields = undo_form(notice.text)
    assert (action, fields) == (
        "/moderation/best-bets",
        {
            "query": "carers",
            "slug": "south-fostering",
            "match": "exact",
            "position": "2",
            "put_back": "true",
        },
    )
    undone = moderator.submit(action, fields)
    assert undone.status_code == 303
    again = moderator.get(undone.headers["location"]).text
    assert "Pinned to “carers”, in position 2" in again
    assert slugs(client, "carers")[:3] == order
    assert re.findall(r'data-label="Position">(\d)<', again) == ["1", "2", "3"]


def test_an_undone_unpin_keeps_who_pinned_it_and_when(
    client: TestClient, moderator: Person, smtp: SmtpServer
) -> None:
    """Undo pinned it again "by you, now"; it is back as it was pinned, the table saying who
    unpinned it and put it back. The same Undo twice, or edited, is refused."""
    moderator.get("/moderation/best-bets")
    moderator.submit("/moderation/best-bets", {"query": "carers", "slug": PINNED[0]})
    app: Any = client.app
    pinned_by, pinned_at = backdated(client, BestBet, "added_by", "added_at")
    other = signed_in(client, smtp, "second.moderator@campaign.example", "moderator")
    page = other.get("/moderation/best-bets").text
    unpin = re.findall(r'action="/moderation/best-bets/(\d+)/unpin"', page)[0]
    notice = other.get(other.submit(f"/moderation/best-bets/{unpin}/unpin").headers["location"])
    action, fields = undo_form(notice.text)
    edited = other.submit(action, fields | {"match": "words"})
    assert edited.status_code == 422 and "cannot be pinned back" in edited.text
    undone = other.submit(action, fields)
    assert undone.status_code == 303
    row = other.get(undone.headers["location"]).text.split('id="pinned-heading"')[1]
    assert "moderator@campaign.example (moderator)" in row
    assert f'datetime="{pinned_at.isoformat()}"' in row
    assert "Unpinned, then put back by second.moderator@campaign.example (moderator)" in row
    with Session(app.state.engine) as session:
        assert session.exec(select(BestBet.added_by)).all() == [pinned_by]
        steps = session.exec(select(CurationChange).order_by(col(CurationChange.id))).all()
    assert [c.action for c in steps] == ["pinned", "unpinned", "restored"]
    twice = other.submit(action, fields)
    assert twice.status_code == 422 and slugs(client, "carers")[:1] == [PINNED[0]]


def pinned_with_a_gap(client: TestClient, moderator: Person) -> None:
    """Two pins of "carers" at positions 1 and 3, as a store from before unpinning closed the
    gaps may hold them."""
    for slug in PINNED:
        moderator.get("/moderation/best-bets")
        moderator.submit("/moderation/best-bets", {"query": "carers", "slug": slug})
    app: Any = client.app
    with Session(app.state.engine) as session:
        gap = update(BestBet).where(col(BestBet.slug) == "south-fostering").values(position=3)
        session.execute(gap)
        session.commit()


def test_a_moderator_moves_a_pin_up_and_down_from_the_page(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    """Each pin but the first has Move up, each but the last Move down: a form of its own. A
    store from before unpinning closed the gaps may hold positions 1 and 3: the page counts
    places, and a move numbers them again."""
    pinned_with_a_gap(client, moderator)
    page = moderator.get("/moderation/best-bets").text
    assert re.findall(r'data-label="Position">(\d)<', page) == ["1", "2"]
    moves = re.findall(
        r'action="/moderation/best-bets/(\d+)/move">.*?value="(\d)".*?>(Move \w+)', page, re.S
    )
    assert [(to, label) for _, to, label in moves] == [("2", "Move down"), ("1", "Move up")]
    second = moves[1][0]
    done = moderator.submit(f"/moderation/best-bets/{second}/move", {"position": "1"})
    assert done.status_code == 303
    shown = moderator.get(done.headers["location"]).text
    assert (
        "Recruiting foster carers for teenagers (Somerset Council) moved to position 1 of “carers”"
        in shown
    )
    assert slugs(client, "carers")[:2] == ["south-fostering", "north-family-support"]
    listed = client.get("/api/v1/best-bets", headers=auth(keys.moderator)).json()["best_bets"]
    assert [(b["slug"], b["position"]) for b in listed] == [
        ("south-fostering", 1),
        ("north-family-support", 2),
    ]
    beyond = moderator.submit(f"/moderation/best-bets/{second}/move", {"position": "3"})
    assert beyond.status_code == 422  # two are pinned: said in words, nothing moved
    assert "“carers” has positions 1 to 2." in beyond.text
    assert slugs(client, "carers")[:2] == ["south-fostering", "north-family-support"]


def test_a_new_pin_after_a_gap_says_the_place_the_list_shows(
    client: TestClient, moderator: Person
) -> None:
    """A store from before unpinning closed the gaps may hold 1 and 3: a third pin is stored at 4
    but is third, as the list numbers it."""
    pinned_with_a_gap(client, moderator)
    choices = re.findall(r'<option value="([\w-]+)">', moderator.get("/moderation/best-bets").text)
    third = next(s for s in choices if s not in PINNED)
    done = moderator.submit("/moderation/best-bets", {"query": "carers", "slug": third})
    shown = moderator.get(done.headers["location"]).text
    assert "Pinned to “carers”, in position 3" in shown
    assert re.findall(r'data-label="Position">(\d)<', shown) == ["1", "2", "3"]


def test_a_council_officer_may_not_see_them(client: TestClient, smtp: SmtpServer) -> None:
    officer = signed_in(client, smtp, "officer@leeds.example", "council", "Leeds City Council")
    for path in ["/moderation/synonyms", "/moderation/best-bets"]:
        assert officer.get(path).status_code == 403
    assert Person.at(client).get("/moderation/synonyms").status_code == 303  # to sign in


def test_the_curation_pages_name_who_did_each_thing_by_address(
    client: TestClient, moderator: Person
) -> None:
    """As the review pages do: the address the People page lists, not "moderator user 4"."""
    searched(client, "zorbing")
    moderator.get("/moderation/synonyms")
    moderator.submit("/moderation/synonyms", {"phrase": "zorbing", "decision": "dismiss"})
    moderator.get("/moderation/best-bets")
    pin = {"query": "foster carers", "slug": "north-family-support", "match": "exact"}
    moderator.submit("/moderation/best-bets", pin)
    moderator.get("/moderation/embeds")
    moderator.submit("/moderation/embeds", {"origin": "https://campaign.example.org"})
    for page in ("/moderation/synonyms", "/moderation/best-bets", "/moderation/embeds"):
        shown = moderator.get(page).text
        assert "moderator@campaign.example (moderator)" in shown, page
        assert "moderator user" not in shown, page


def test_a_pin_whose_case_study_was_unpublished_says_so_without_a_dead_link(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Quokka foster carers' hub")).json()
    live = f"/api/v1/moderation/{record['id']}"
    assert client.post(f"{live}/publish", headers=auth(keys.moderator)).status_code == 200
    moderator.get("/moderation/best-bets")
    pin = {"query": "foster carers", "slug": record["slug"], "match": "exact"}
    assert moderator.submit("/moderation/best-bets", pin).status_code == 303
    link = f'<a href="/case-studies/{record["slug"]}">'
    assert link in moderator.get("/moderation/best-bets").text
    gone = client.post(
        f"{live}/unpublish", json={"reason": "Wrong council."}, headers=auth(keys.moderator)
    )
    assert gone.status_code == 200, gone.text
    page = moderator.get("/moderation/best-bets").text
    assert link not in page  # its page is a 404 now
    assert f"{record['slug']} <span" in page and "no longer published" in page


def test_a_suggestion_refused_shows_its_error_by_its_own_field(
    client: TestClient, moderator: Person
) -> None:
    """Accept pressed under a suggestion with words no case study uses: the error was shown in
    the form for another phrase further down (that phrase filled in, the suggestion's field
    unmarked). Now it is by the field the moderator typed in, as typed, and the summary links
    there; the other form stays empty."""
    searched(client, "traineeships")
    page = moderator.get("/moderation/synonyms").text
    assert '<h3 id="suggestion-1">“traineeships”</h3>' in page
    sent = {"phrase": "traineeships", "targets": "kickstart", "seen": "undecided"}
    refused = moderator.submit("/moderation/synonyms", sent | {"decision": "accept"})
    assert refused.status_code == 422
    assert 'href="#suggestion-1-targets"' in refused.text and 'href="#targets"' not in refused.text
    mine = refused.text.split('<h3 id="suggestion-1">')[1].split("</form>")[0]
    assert 'id="suggestion-1-error"' in mine and "No published case study says “kickstart”" in mine
    assert 'value="kickstart"' in mine and "input--error" in mine
    other = refused.text.split('id="decide-heading"')[1].split("</form>")[0]
    assert "error-message" not in other and 'value="traineeships"' not in other
