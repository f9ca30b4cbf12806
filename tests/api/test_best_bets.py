"""Best bets through /api/v1/best-bets: a case study a moderator pins to a query comes first in
that search, marked recommended, in the API and on the results page; unpinned, it goes back."""

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from app.store.curation_tables import BestBet
from tests.api.conftest import Keys, auth
from tests.api.test_moderation_races import at_once

BETS = "/api/v1/best-bets"


def pin(client: TestClient, key: str, query: str, slug: str, **extra: Any) -> Any:
    return client.post(BETS, json={"query": query, "slug": slug, **extra}, headers=auth(key))


def results(client: TestClient, query: str, **params: Any) -> list[tuple[str, bool]]:
    found = client.get("/api/v1/search", params={"q": query, **params}).json()["results"]
    return [(r["slug"], r.get("recommended", False)) for r in found]


def test_a_pinned_case_study_comes_first_marked(client: TestClient, keys: Keys) -> None:
    before = results(client, "foster carers")
    assert before[0] == ("south-fostering", False)
    assert all(not marked for _, marked in before)
    response = pin(client, keys.moderator, "Foster  carers!", "north-family-support")
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == body["url"]
    assert (body["query"], body["match"], body["position"]) == ("foster carers", "exact", 1)
    after = results(client, "foster carers")
    assert after[0] == ("north-family-support", True)
    assert ("south-fostering", False) in after
    assert [slug for slug, _ in after].count("north-family-support") == 1
    assert "recommended" not in client.get("/api/v1/search?q=foster").json()["results"][0]
    page = client.get("/", params={"q": "foster carers"}).text
    assert page.index("Recommended") < page.index("Family support at home")
    assert page.index("Family support at home") < page.index("Recruiting")
    assert client.delete(body["url"], headers=auth(keys.moderator)).status_code == 204
    assert results(client, "foster carers") == before


def test_a_words_pin_applies_to_any_query_holding_its_words(client: TestClient, keys: Keys) -> None:
    assert (
        pin(client, keys.moderator, "teenagers", "london-exploitation", match="words").status_code
        == 201
    )
    assert results(client, "foster carers for teenagers")[0] == ("london-exploitation", True)
    assert results(client, "foster carers")[0] == ("south-fostering", False)
    # a filter that leaves the pinned case study out is obeyed
    filtered = results(client, "foster carers for teenagers", region="south-west")
    assert filtered == [("south-fostering", False)]
    # page two does not repeat it
    assert results(client, "foster carers for teenagers", per_page=1, page=2)[0][0] != (
        "london-exploitation"
    )


def test_up_to_three_pins_and_no_unpublished_or_repeated_ones(
    client: TestClient, keys: Keys
) -> None:
    for slug in ["north-care-leavers", "east-early-years", "north-family-support"]:
        assert pin(client, keys.moderator, "support", slug).status_code == 201
    fourth = pin(client, keys.moderator, "support", "south-fostering")
    assert fourth.status_code == 409
    assert "unpin one first" in fourth.json()["detail"]
    again = pin(client, keys.moderator, "support", "east-early-years")
    assert again.status_code == 409
    unknown = pin(client, keys.moderator, "care", "no-such-study")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/slug"
    assert [slug for slug, marked in results(client, "support") if marked] == [
        "north-care-leavers",
        "east-early-years",
        "north-family-support",
    ]
    listed = client.get(BETS, headers=auth(keys.admin)).json()["best_bets"]
    assert [(b["query"], b["position"]) for b in listed] == [
        ("support", 1),
        ("support", 2),
        ("support", 3),
    ]
    # Unpinning the second moves the third up: a new pin is third of three, not "4".
    assert client.delete(f"{BETS}/{listed[1]['id']}", headers=auth(keys.admin)).status_code == 204
    listed = client.get(BETS, headers=auth(keys.admin)).json()["best_bets"]
    assert [(b["slug"], b["position"]) for b in listed] == [
        ("north-care-leavers", 1),
        ("north-family-support", 2),
    ]
    assert pin(client, keys.moderator, "support", "south-fostering").json()["position"] == 3
    marked = [slug for slug, marked in results(client, "support") if marked]
    assert marked == ["north-care-leavers", "north-family-support", "south-fostering"]


SIX = [
    "north-care-leavers",
    "south-fostering",
    "east-early-years",
    "west-social-work-academy",
    "london-exploitation",
    "north-family-support",
]


def test_pins_sent_at_once_stop_at_three_each_in_its_own_place(
    client: TestClient, keys: Keys
) -> None:
    """Two moderators (or a double-clicked button) pinning at the same moment: each pin read
    the query's pins before the others committed, so all six went in, two or three to a
    place, until pins were made one at a time."""
    answers = at_once(
        *(lambda slug=slug: pin(client, keys.moderator, "support", slug) for slug in SIX)
    )
    assert sorted(a.status_code for a in answers) == [201, 201, 201, 409, 409, 409]
    listed = client.get(BETS, headers=auth(keys.admin)).json()["best_bets"]
    assert sorted(b["position"] for b in listed) == [1, 2, 3]
    pinned = {a.json()["slug"] for a in answers if a.status_code == 201}
    assert {b["slug"] for b in listed} == pinned
    # Two unpins at once leave the last one first, not in a place of its own
    at_once(
        *(lambda bet=bet: client.delete(bet["url"], headers=auth(keys.admin)) for bet in listed[:2])
    )
    left = client.get(BETS, headers=auth(keys.admin)).json()["best_bets"]
    assert [b["position"] for b in left] == [1]


def test_an_unpinned_pins_number_is_never_given_to_another(client: TestClient, keys: Keys) -> None:
    """On SQLite a new pin took the number of the last one unpinned: the Unpin button of a
    page opened before (a second press, another moderator's tab) then unpinned the new one."""
    pin(client, keys.moderator, "support", "north-care-leavers")
    last = pin(client, keys.moderator, "support", "east-early-years").json()
    assert client.delete(last["url"], headers=auth(keys.moderator)).status_code == 204
    new = pin(client, keys.moderator, "support", "south-fostering").json()
    assert new["id"] != last["id"]
    assert client.delete(last["url"], headers=auth(keys.moderator)).status_code == 404
    assert [slug for slug, marked in results(client, "support") if marked] == [
        "north-care-leavers",
        "south-fostering",
    ]


def test_a_pin_moves_to_another_position_and_the_others_close_up(
    client: TestClient, keys: Keys
) -> None:
    """A moderator could only unpin and pin again (last) to reorder: PATCH moves a pin."""
    ids = [
        pin(client, keys.moderator, "support", slug).json()["id"]
        for slug in ["north-care-leavers", "east-early-years", "north-family-support"]
    ]
    moved = client.patch(f"{BETS}/{ids[2]}", json={"position": 1}, headers=auth(keys.moderator))
    assert moved.status_code == 200, moved.text
    assert (moved.json()["slug"], moved.json()["position"]) == ("north-family-support", 1)
    marked = [slug for slug, marked in results(client, "support") if marked]
    assert marked == ["north-family-support", "north-care-leavers", "east-early-years"]
    down = client.patch(f"{BETS}/{ids[2]}", json={"position": 2}, headers=auth(keys.admin))
    assert down.json()["position"] == 2
    listed = client.get(BETS, headers=auth(keys.admin)).json()["best_bets"]
    assert [(b["slug"], b["position"]) for b in listed] == [
        ("north-care-leavers", 1),
        ("north-family-support", 2),
        ("east-early-years", 3),
    ]
    assert client.delete(f"{BETS}/{ids[1]}", headers=auth(keys.admin)).status_code == 204
    beyond = client.patch(f"{BETS}/{ids[0]}", json={"position": 3}, headers=auth(keys.admin))
    assert beyond.status_code == 422  # two are left
    assert beyond.json()["errors"][0]["pointer"] == "#/position"
    for body in ({"position": 0}, {"position": 4}, {"position": 1, "query": "x"}, {}):
        assert (
            client.patch(f"{BETS}/{ids[0]}", json=body, headers=auth(keys.admin)).status_code == 422
        )
    assert (
        client.patch(f"{BETS}/{ids[1]}", json={"position": 1}, headers=auth(keys.admin)).status_code
        == 404
    )
    assert [slug for slug, marked in results(client, "support") if marked] == [
        "north-care-leavers",
        "north-family-support",
    ]


def test_only_moderators_and_admins_pin(client: TestClient, keys: Keys) -> None:
    for method, url, body in [
        ("GET", BETS, None),
        ("POST", BETS, {"query": "care", "slug": "south-fostering"}),
        ("DELETE", f"{BETS}/1", None),
        ("PATCH", f"{BETS}/1", {"position": 1}),
    ]:
        assert client.request(method, url, json=body, headers=auth(keys.york)).status_code == 403
        assert client.request(method, url, json=body).status_code == 401
    assert all(not marked for _, marked in results(client, "care"))


def test_the_embed_page_marks_a_pinned_case_study_recommended(
    client: TestClient, keys: Keys
) -> None:
    def marked(page: str) -> list[bool]:
        items = re.findall(r"<li\b[^>]*>(.*?)</li>", page, flags=re.S)
        return ["Recommended" in item for item in items]

    before = client.get("/embed", params={"q": "foster carers"})
    assert before.status_code == 200
    assert marked(before.text) and not any(marked(before.text))
    assert pin(client, keys.moderator, "foster carers", "north-family-support").status_code == 201
    page = client.get("/embed", params={"q": "foster carers"}).text
    assert marked(page)[0] and not any(marked(page)[1:])
    first = re.search(r"<li\b[^>]*>(.*?)</li>", page, flags=re.S)
    assert first is not None and "Family support at home" in first.group(1)
    # the widget draws its list from the API, which says which result is pinned
    found = client.get("/api/v1/search", params={"q": "foster carers", "per_page": 3}).json()
    assert found["results"][0]["recommended"] is True


def test_a_new_pin_is_last_of_those_pinned_when_an_old_store_left_a_gap(
    client: TestClient, keys: Keys
) -> None:
    """A store from before unpinning closed the gaps may hold positions 1 and 3: a new pin was
    "in position 4" of three. Pinning numbers the query's pins 1 to n again."""
    for slug in ("north-family-support", "south-fostering"):
        assert pin(client, keys.moderator, "carers", slug).status_code == 201
    app: Any = client.app
    with Session(app.state.engine) as session:
        gap = update(BestBet).where(col(BestBet.slug) == "south-fostering").values(position=3)
        session.execute(gap)
        session.commit()
    third = pin(client, keys.moderator, "carers", "east-early-years")
    assert third.status_code == 201 and third.json()["position"] == 3
    listed = client.get(BETS, headers=auth(keys.moderator)).json()["best_bets"]
    assert [(b["slug"], b["position"]) for b in listed] == [
        ("north-family-support", 1),
        ("south-fostering", 2),
        ("east-early-years", 3),
    ]
    assert [slug for slug, _ in results(client, "carers")[:3]] == [
        "north-family-support",
        "south-fostering",
        "east-early-years",
    ]
