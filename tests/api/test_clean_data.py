"""Clean data in, clean data out: what a council sends is cleaned once and for all, and what is
stored is what the moderator sees, what the public gets and what the feed can carry."""

import csv
import io
import json
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.store import case_studies as store
from app.store.keys import create_key
from testkit.factories import make_case_study, make_draft
from tests.api.conftest import Keys, auth, submit

ATOM = "{http://www.w3.org/2005/Atom}"
NESTED = "&" + "amp;" * 10 + "lt;img src=x onerror=alert(1)&" + "amp;" * 10 + "gt;"
FEED = "/feeds/case-studies.atom"


def post_json(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    """Send the body as JSON escapes (a lone surrogate has no UTF-8 of its own)."""
    headers = {**auth(key), "Content-Type": "application/json"}
    return client.post("/api/v1/submissions", content=json.dumps(body), headers=headers)


def publish(client: TestClient, keys: Keys, record: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator)
    )
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


def refused(response: Any, pointer: str, words: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert pointer in [e["pointer"] for e in problem["errors"]]
    assert words in problem["detail"]


def count_submissions(client: TestClient, keys: Keys) -> int:
    total: int = client.get("/api/v1/submissions", headers=auth(keys.moderator)).json()["total"]
    return total


def feed_entries(client: TestClient, **params: str) -> list[ET.Element]:
    response = client.get(FEED, params=params)
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry")  # raises if not well-formed


# -- finding 6: entities nested to defeat the cleaner -----------------------------------------


def test_nested_entities_never_come_back_as_a_tag(client: TestClient, keys: Keys) -> None:
    draft = make_draft(
        title=f"Kinship {NESTED} hub",
        summary=f"A hub that gives kinship carers advice {NESTED} and peer support.",
        outcomes=[f"Carers supported rose from 40 to 95 {NESTED}"],
    )
    record = submit(client, keys.leeds, draft).json()
    slug = publish(client, keys, record)["slug"]

    moderator = client.get(f"/api/v1/submissions/{record['id']}", headers=auth(keys.moderator))
    public = client.get(f"/api/v1/case-studies/{slug}")
    search = client.get("/api/v1/search", params={"q": "kinship"})
    suggest = client.get("/api/v1/suggest", params={"q": "kinsh"})
    table = client.get("/api/v1/search.csv", params={"q": "kinship"})
    feed = client.get(FEED)
    for answer in (moderator, public, search, suggest, table, feed):
        assert answer.status_code == 200
        assert "onerror" not in answer.text and "&amp;" not in answer.text, answer.request.url
    (row,) = csv.DictReader(io.StringIO(table.text.lstrip("\ufeff")))
    titles = {
        moderator.json()["title"],
        public.json()["title"],
        search.json()["results"][0]["title"],
        row["title"],
    }
    assert titles == {"Kinship hub"}  # stored, seen by the moderator, served: the same text


def test_a_source_address_with_markup_is_refused(client: TestClient, keys: Keys) -> None:
    for url in ("https://a.example/<script>alert(1)</script>", "https://a.example/&lt;b&gt;"):
        response = submit(client, keys.leeds, make_draft(source_url=url))
        refused(response, "#/body/source_url", "no spaces, quotes, markup")
    assert count_submissions(client, keys) == 0


# -- finding 9: characters XML cannot carry ---------------------------------------------------


def test_text_loses_what_xml_cannot_carry_and_the_feed_stays_well_formed(
    client: TestClient, keys: Keys
) -> None:
    draft = make_draft(
        title="Kinship\uffff carers\x00 hub",
        summary="A hub that gives kinship carers \ud800advice, training and peer support.",
    )
    record = post_json(client, keys.leeds, draft)
    assert record.status_code == 201, record.text
    assert record.json()["title"] == "Kinship carers hub"
    assert record.json()["summary"].startswith("A hub that gives kinship carers advice")
    publish(client, keys, record.json())
    titles = [e.findtext(f"{ATOM}title") for e in feed_entries(client)]
    assert "Kinship carers hub" in titles
    assert [e.findtext(f"{ATOM}title") for e in feed_entries(client, q="\x00kinship\uffff")] == [
        "Kinship carers hub"
    ]


def test_a_right_to_left_override_does_not_reach_the_page(client: TestClient, keys: Keys) -> None:
    """U+202E in a title turned the rest of it around on the review page and in results."""
    draft = make_draft(
        title="Kinship \u202ecarers hub",
        summary="A hub that gives \u2067kinship carers\u2069 advice.",
    )
    record = post_json(client, keys.leeds, draft)
    assert record.status_code == 201, record.text
    assert (record.json()["title"], record.json()["summary"]) == (
        "Kinship carers hub",
        "A hub that gives kinship carers advice.",
    )


@pytest.mark.parametrize(
    "nothing",
    ["\u200b\u200b\u200b", "\ufeff\u00ad\u2060", "\u0301\u0301", "\u3164 \u2800", "<b>\u200d</b>"],
)
@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_text_with_nothing_that_shows_is_refused_as_empty(
    client: TestClient, keys: Keys, field: str, nothing: str
) -> None:
    """Zero-width spaces, joiners, a BOM, combining marks alone, blank letters: a title of
    them was published as a result whose link had no words."""
    refused = post_json(client, keys.leeds, make_draft(**{field: nothing}))
    assert refused.status_code == 422, refused.text
    assert "nothing is left" in refused.json()["detail"]
    assert refused.json()["errors"][0]["pointer"] == f"#/body/{field}"


def test_an_outcome_or_partner_with_nothing_that_shows_is_dropped(
    client: TestClient, keys: Keys
) -> None:
    draft = make_draft(
        outcomes=["\u200b", "Carers supported rose from 40 to 95"], partners=["\ufeff", "NHS"]
    )
    record = post_json(client, keys.leeds, draft)
    assert record.status_code == 201, record.text
    assert record.json()["outcomes"] == ["Carers supported rose from 40 to 95"]
    assert record.json()["partners"] == ["NHS"]
    # Joiners and marks inside words that show are kept: they are part of the writing.
    kept = post_json(
        client, keys.leeds, make_draft(title="Caf\u0065\u0301 for fo\u00adster carers")
    )
    assert kept.json()["title"] == "Caf\u0065\u0301 for fo\u00adster carers"


def test_names_are_one_line(client: TestClient, keys: Keys) -> None:
    """A line break in a title stopped every email about the case study (a mail's subject is
    one line); a title, a council and a programme are now one line when they arrive."""
    draft = make_draft(title="Kinship\ncarers \r\n  hub", programme="Kinship\tFirst\n")
    record = post_json(client, keys.leeds, draft)
    assert record.status_code == 201, record.text
    assert (record.json()["title"], record.json()["programme"]) == (
        "Kinship carers hub",
        "Kinship First",
    )


def poll_feed_for(client: TestClient, word: str) -> ET.Element:
    """The feed's entry whose title has the word, once the index has caught up with the store."""
    deadline = time.monotonic() + 60  # the background sync, on a loaded machine
    while time.monotonic() < deadline:
        for entry in feed_entries(client):
            if word in entry.findtext(f"{ATOM}title", ""):
                return entry
        time.sleep(0.05)
    raise AssertionError(f"no entry with {word!r} reached the feed")


def test_a_moderators_words_lose_what_xml_cannot_carry(client: TestClient, keys: Keys) -> None:
    record = submit(client, keys.leeds, make_draft()).json()
    reason = {"reason": "Not\x00 this\uffff one: it names a child"}  # a NUL was a 500 on PostgreSQL
    response = client.post(
        f"/api/v1/moderation/{record['id']}/reject", json=reason, headers=auth(keys.moderator)
    )
    assert response.status_code == 200, response.text
    assert response.json()["moderation_message"] == "Not this one: it names a child"


@pytest.mark.parametrize(
    ("action", "field"),
    [("reject", "reason"), ("request-changes", "message"), ("confirm-safeguarding", "note")],
)
def test_a_moderators_words_with_nothing_that_shows_are_refused(
    client: TestClient, keys: Keys, action: str, field: str
) -> None:
    """Twenty zero-width spaces passed "at least 3 characters": the council was told its
    case study was rejected, or to change it, for no reason it could read."""
    record = submit(client, keys.leeds, make_draft()).json()
    url = f"/api/v1/moderation/{record['id']}/{action}"
    for nothing in ("\u200b" * 20, "\ufeff\u2060\u00ad" * 5):
        refused = client.post(url, json={field: nothing}, headers=auth(keys.moderator))
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["pointer"] == f"#/body/{field}"
    history = client.get(f"/api/v1/submissions/{record['id']}/history", headers=auth(keys.leeds))
    assert [event["action"] for event in history.json()["events"]] == ["submitted"]


def write_stored(client: TestClient, **fields: Any) -> None:
    """A row as an older version of the service could have stored it, straight into the store."""
    study = make_case_study(slug="stored-earlier").model_copy(update=fields)
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        store.upsert_case_study(session, study)
        session.commit()


@pytest.mark.quick_sync
def test_the_feed_is_well_formed_and_its_dates_real_whatever_is_stored(
    client: TestClient,
) -> None:
    write_stored(client, title="Stored\uffff earlier\x0b", published="2023-02-31")
    entry = poll_feed_for(client, "earlier")
    assert entry.findtext(f"{ATOM}title") == "Stored earlier"
    stamp = datetime.fromisoformat(entry.findtext(f"{ATOM}published", ""))
    assert stamp <= datetime.now(UTC)  # not 2023-02-31: when the row last changed instead


# -- finding 10: dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "words"),
    [
        ("2999-12-31", "is in the future"),
        ("2023-02-31", "is not a day of the calendar"),
        ("0000", "is before 1900"),
        ("2020\n", "is not a date"),
        ("2020-0²", "is not a date"),
    ],
)
def test_impossible_dates_are_refused(
    client: TestClient, keys: Keys, published: str, words: str
) -> None:
    refused(submit(client, keys.leeds, make_draft(published=published)), "#/body/published", words)
    assert count_submissions(client, keys) == 0


def test_a_date_in_other_digits_is_stored_in_ascii_and_sorts_as_its_year(
    client: TestClient, keys: Keys
) -> None:
    """ "𝟙𝟡𝟘𝟘" (or "２０２０" from a full-width keyboard) was stored as typed: it sorted after
    every year in ASCII digits, so a case study of 1900 was first under "Newest" for ever."""
    typed = {"𝟙𝟡𝟘𝟘": "1900", "２０２０-０３": "2020-03", "٢٠١٩": "2019"}
    for date, stored in typed.items():
        record = submit(client, keys.leeds, make_draft(title=f"Dated {stored}", published=date))
        assert record.status_code == 201, record.text
        assert record.json()["published"] == stored
        published = client.post(
            f"/api/v1/moderation/{record.json()['id']}/publish", headers=auth(keys.moderator)
        )
        assert published.status_code == 200, published.text
    newest = client.get("/api/v1/search", params={"q": "dated", "sort": "newest"}).json()
    assert [hit["published"] for hit in newest["results"]] == ["2020-03", "2019", "1900"]


# -- finding 12: error bodies stay small --------------------------------------------------------


def test_a_body_of_sixty_thousand_unknown_keys_gets_a_short_answer(
    client: TestClient, keys: Keys
) -> None:
    body = make_draft(**{f"k{n:05d}": 1 for n in range(60_000)})  # 770 KB
    response = post_json(client, keys.leeds, body)
    assert response.status_code == 422
    assert len(response.content) < 4_000
    assert "unknown field(s) 'k00000'" in response.json()["detail"]
    assert "and 59990 more" in response.json()["detail"]
    assert count_submissions(client, keys) == 0


def test_a_moderators_body_of_unknown_keys_gets_a_short_answer(
    client: TestClient, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft()).json()
    body = {"reason": "Not this one"} | {f"k{n:05d}": 1 for n in range(60_000)}
    response = client.post(
        f"/api/v1/moderation/{record['id']}/reject",
        content=json.dumps(body),
        headers={**auth(keys.moderator), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert len(response.content) < 4_000
    assert "and 59990 more; allowed: reason" in response.json()["detail"]


def test_a_validation_error_lists_a_few_dozen_problems_and_counts_the_rest(
    client: TestClient, keys: Keys
) -> None:
    response = submit(client, keys.leeds, make_draft(outcomes=[1] * 30, partners=[2] * 30))
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == 30
    assert problem["detail"].endswith("; and 30 more problems not listed")


# -- council names are vocabulary names ---------------------------------------------------------


def test_an_unknown_council_is_refused_naming_the_closest(client: TestClient, keys: Keys) -> None:
    response = submit(client, keys.admin, make_draft(council="Leeds Citty Council"))
    refused(response, "#/body/council", "Did you mean 'Leeds City Council'?")
    assert count_submissions(client, keys) == 0


def test_a_council_is_stored_under_its_known_name(client: TestClient, keys: Keys) -> None:
    response = submit(client, keys.admin, make_draft(council="LEEDS  CITY COUNCIL"))
    assert response.status_code == 201, response.text
    assert response.json()["council"] == "Leeds City Council"
    mine = client.get("/api/v1/submissions", headers=auth(keys.leeds)).json()
    assert [r["id"] for r in mine["results"]] == [response.json()["id"]]


def test_a_council_key_owns_its_council_in_any_of_its_forms(client: TestClient, keys: Keys) -> None:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        calderdale = create_key(session, "council", "Calderdale Metropolitan Borough Council")[1]
    for council in ("Calderdale Council", "Calderdale Council (with C&K Careers)"):
        draft = make_draft(council=council, title=f"Kinship hub {len(council)}")
        response = submit(client, calderdale, draft)
        assert response.status_code == 201, response.text
        assert response.json()["owner_council"] == "Calderdale Metropolitan Borough Council"
    refused = submit(client, calderdale, make_draft(council="Leeds City Council"))
    assert refused.status_code == 403
