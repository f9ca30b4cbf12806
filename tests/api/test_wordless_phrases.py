"""A best bet's query, or an everyday phrase, with no word in it: apostrophes alone ("'''"),
blank letters (Hangul fillers) or quotes were pinned to a query no search ever is. They are now
refused saying what to fix, in the API and on the moderators' page, and nothing is pinned."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.store.curation_tables import BestBet
from testkit.smtp import SmtpServer
from tests.api.browsing import mailing
from tests.api.conftest import Keys, auth
from tests.api.test_best_bets import BETS, pin
from tests.api.test_people_and_forms import signed_in

WORDLESS = ["'''", "' ' '", "\u3164\u3164", "\u115f", '"""', "\u200b'\u200b"]
SAYS = "Give a word or phrase"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def pins(client: TestClient) -> list[BestBet]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(BestBet)))


@pytest.mark.parametrize("query", WORDLESS)
def test_a_query_without_a_word_is_refused_saying_what_to_fix(
    client: TestClient, keys: Keys, query: str
) -> None:
    refused = pin(client, keys.moderator, query, "north-family-support")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert error["pointer"] == "#/query" and SAYS in error["detail"]
    dismissed = client.post(
        "/api/v1/synonyms/dismissals", json={"phrase": query}, headers=auth(keys.moderator)
    )
    assert dismissed.status_code == 422 and SAYS in dismissed.text
    assert pins(client) == []
    assert client.get(BETS, headers=auth(keys.moderator)).json()["best_bets"] == []


def test_words_with_apostrophes_are_still_pinned(client: TestClient, keys: Keys) -> None:
    pinned = pin(client, keys.moderator, "parents' evening", "north-family-support")
    assert pinned.status_code == 201 and pinned.json()["query"] == "parents' evening"


def test_the_page_says_what_to_fix(client: TestClient, smtp: SmtpServer) -> None:
    moderator = signed_in(client, smtp, "moderator@campaign.example", "moderator")
    moderator.get("/moderation/best-bets")
    refused = moderator.submit(
        "/moderation/best-bets", {"query": "'''", "slug": "north-family-support", "match": "exact"}
    )
    assert refused.status_code == 422
    assert '<a href="#query">Give a word or phrase with letters or numbers in it' in refused.text
    assert pins(client) == []
