"""Two moderators on the curation pages at once (or one in two tabs), through the pages' forms:
the second to act on an everyday-word suggestion is told it was decided, and the first's
decision stands; a button pressed on a pin, a decision or a website already gone shows the list
as it is now, saying so, not a "Page not found" about case studies."""

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.store.curation_tables import LaySynonym
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.test_lay_language import searched, slugs
from tests.api.test_people_and_forms import signed_in


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def two(client: TestClient, smtp: SmtpServer) -> tuple[Person, Person]:
    return (
        signed_in(client, smtp, "ann@campaign.example", "moderator"),
        signed_in(client, smtp, "bob@campaign.example", "moderator"),
    )


def important(page: str) -> str:
    found = re.search(r'<div class="banner banner--important".*?<p[^>]*>(.*?)</p>', page, re.S)
    assert found, page
    return html.unescape(found.group(1))


def test_a_suggestion_decided_meanwhile_is_not_decided_over(
    client: TestClient, two: tuple[Person, Person], settings: Settings
) -> None:
    ann, bob = two
    searched(client, "traineeships")
    ann.get("/moderation/synonyms")
    seen = bob.get("/moderation/synonyms").text  # both see “traineeships” as a suggestion
    form = seen.split('<li class="suggestion">')[1].split("</form>")[0]
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))
    hidden.pop("csrf_token")
    assert hidden["phrase"] == "traineeships"
    accept = {"phrase": "traineeships", "targets": "apprenticeships", "decision": "accept"}
    assert ann.submit("/moderation/synonyms", accept).status_code == 303
    late = bob.submit("/moderation/synonyms", hidden | {"decision": "dismiss"})
    assert late.status_code == 422
    assert "“traineeships” was decided after this page was opened" in late.text
    assert "it is accepted now" in late.text
    assert 'role="alert"' in late.text  # the error summary, focused
    assert slugs(client, "traineeships") == ["north-care-leavers"]  # Ann's decision stands
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.exec(select(LaySynonym)).one()
    assert (row.status, row.targets) == ("accepted", ["apprenticeships"])
    # Said before anything about the sector's words: no point fixing them for a decided phrase.
    bob.get("/moderation/synonyms")
    unfixed = bob.submit("/moderation/synonyms", hidden | {"decision": "accept", "targets": ""})
    assert unfixed.status_code == 422 and "was decided after this page was opened" in unfixed.text
    assert "Give between 1 and" not in unfixed.text
    # A phrase typed into the form for one's own is a decision made knowingly: it replaces.
    bob.get("/moderation/synonyms")
    mine = bob.submit("/moderation/synonyms", {"phrase": "traineeships", "decision": "dismiss"})
    assert mine.status_code == 303


def test_a_pin_unpinned_meanwhile_says_so_on_the_list(
    client: TestClient, two: tuple[Person, Person]
) -> None:
    ann, bob = two
    ann.get("/moderation/best-bets")
    pin = {"query": "foster carers", "slug": "north-family-support", "match": "exact"}
    shown = ann.get(ann.submit("/moderation/best-bets", pin).headers["location"])
    bet = shown.text.split('action="/moderation/best-bets/')[1].split("/")[0]
    bob.get("/moderation/best-bets")
    assert ann.submit(f"/moderation/best-bets/{bet}/unpin").status_code == 303
    again = bob.submit(f"/moderation/best-bets/{bet}/unpin")
    assert again.status_code == 404
    assert "<h1>Best bets</h1>" in again.text and "Page not found" not in again.text
    assert important(again.text).startswith("That pin is no longer there: it was unpinned")
    bob.get("/moderation/best-bets")
    moved = bob.submit(f"/moderation/best-bets/{bet}/move", {"position": "1"})
    assert moved.status_code == 404
    assert "unpinned after this page was opened, so it was not moved" in important(moved.text)


def test_a_decision_forgotten_meanwhile_says_so_on_the_list(
    client: TestClient, two: tuple[Person, Person]
) -> None:
    ann, bob = two
    searched(client, "zorbing")
    ann.get("/moderation/synonyms")
    done = ann.submit("/moderation/synonyms", {"phrase": "zorbing", "decision": "dismiss"})
    shown = ann.get(done.headers["location"]).text
    forget = shown.split('action="/moderation/synonyms/')[1].split('"')[0]
    bob.get("/moderation/synonyms")
    assert ann.submit(f"/moderation/synonyms/{forget}").status_code == 303
    again = bob.submit(f"/moderation/synonyms/{forget}")
    assert again.status_code == 404
    assert "<h1>Everyday words</h1>" in again.text
    assert important(again.text).startswith("That decision is no longer there")


def test_a_website_removed_meanwhile_says_so_on_the_list(
    client: TestClient, two: tuple[Person, Person]
) -> None:
    ann, bob = two
    ann.get("/moderation/embeds")
    ann.submit("/moderation/embeds", {"origin": "https://campaign.example.org"})
    listed = ann.get("/moderation/embeds").text
    remove = re.search(r'href="(/moderation/embeds/\d+/remove)"', listed)
    assert remove
    bob.get(remove.group(1))  # Bob is asked whether to remove it
    ann.get(remove.group(1))
    assert ann.submit(remove.group(1)).status_code == 303
    for late in (bob.submit(remove.group(1)), bob.get(remove.group(1))):
        assert late.status_code == 404
        assert "<h1>Websites that embed the search</h1>" in late.text
        assert important(late.text).startswith("That website is no longer on the list")
    # A caller that is not a browser still gets problem+json.
    assert client.post(remove.group(1)).status_code in (403, 404)


def test_a_move_on_pins_changed_meanwhile_says_so_on_the_list(
    client: TestClient, two: tuple[Person, Person]
) -> None:
    ann, bob = two
    for slug in ("north-family-support", "south-fostering"):
        ann.get("/moderation/best-bets")
        pin = {"query": "foster carers", "slug": slug, "match": "exact"}
        assert ann.submit("/moderation/best-bets", pin).status_code == 303
    seen = bob.get("/moderation/best-bets").text  # two pins: the second may move up
    first, second = re.findall(r'action="/moderation/best-bets/(\d+)/move"', seen)
    ann.get("/moderation/best-bets")
    assert ann.submit(f"/moderation/best-bets/{first}/unpin").status_code == 303
    late = bob.submit(f"/moderation/best-bets/{second}/move", {"position": "2"})
    # It was the public "Invalid parameter: Something in this address is not right" page.
    assert late.status_code == 422
    assert "<h1>Best bets</h1>" in late.text and "Invalid parameter" not in late.text
    said = "That pin was not moved: “foster carers” has positions 1 to 1. The list below is as"
    assert important(late.text).startswith(said)
