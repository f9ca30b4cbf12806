"""Amending a published case study, through HTTP: the council proposes an amendment, the
published version stays exactly as it was everywhere the public looks (search, its page, the
feed, the embed, the API) until a moderator publishes the amendment; the moderators request
changes or reject it; the council changes or withdraws it; and every change names the version
it read, so an amendment racing an unpublish or a publish is a 409, never a lost update."""

from collections.abc import Callable
from datetime import date
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import invite, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_moderation_races import CHILD, assert_index_agrees_with_store, at_once, found


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


NEW_SUMMARY = "A hub that gives kinship carers advice, training, quokka walks and peer support."


def published(client: TestClient, keys: Keys, **overrides: Any) -> dict[str, Any]:
    record = submit(client, keys.leeds, make_draft(**overrides)).json()
    answer = client.post(f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def propose(
    client: TestClient, key: str, record: dict[str, Any], patch: dict[str, Any], **headers: str
) -> httpx.Response:
    return client.post(
        f"/api/v1/submissions/{record['id']}/amendments",
        json=patch,
        headers={**auth(key), **headers},
    )


def decide(
    client: TestClient, keys: Keys, amendment: int, action: str, body: Any = None, **headers: str
) -> httpx.Response:
    return client.post(
        f"/api/v1/moderation/amendments/{amendment}/{action}",
        json=body,
        headers={**auth(keys.moderator), **headers},
    )


def public_texts(client: TestClient, slug: str) -> list[str]:
    """Everything the public can read about a case study: its API, page, the feed, the embed."""
    return [
        client.get(f"/api/v1/case-studies/{slug}").text,
        client.get(f"/case-studies/{slug}").text,
        client.get("/feeds/case-studies.atom").text,
        client.get("/embed", params={"q": "kinship"}).text,
        client.get("/api/v1/search", params={"q": "kinship"}).text,
    ]


def history(client: TestClient, keys: Keys, record: int) -> list[str]:
    events = client.get(f"/api/v1/submissions/{record}/history", headers=auth(keys.leeds))
    return [e["action"] for e in events.json()["events"]]


def test_an_amendment_is_public_only_once_a_moderator_publishes_it(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    slug = live["slug"]
    before = client.get(f"/api/v1/case-studies/{slug}").json()

    opened = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}, **{"If-Match": '"2"'})
    assert opened.status_code == 201, opened.text
    amendment = opened.json()
    assert amendment["status"] == "submitted" and amendment["summary"] == NEW_SUMMARY
    assert amendment["slug"] == slug and opened.headers["ETag"] == '"1"'
    assert opened.headers["Location"].endswith(f"/api/v1/amendments/{amendment['id']}")

    # The published version stays exactly as it was, wherever the public looks.
    assert client.get(f"/api/v1/case-studies/{slug}").json() == before
    assert all("quokka" not in text for text in public_texts(client, slug))
    assert all(slug in text for text in public_texts(client, slug))
    assert found(client, "quokka") == []
    assert found(client, "kinship") == [slug]
    queue = client.get("/api/v1/moderation/amendments", headers=auth(keys.moderator)).json()
    assert [a["id"] for a in queue["results"]] == [amendment["id"]]

    done = decide(
        client, keys, amendment["id"], "publish", {"note": "Thanks"}, **{"If-Match": '"1"'}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "published"
    after = client.get(f"/api/v1/case-studies/{slug}").json()
    assert after["summary"] == NEW_SUMMARY and after["title"] == before["title"]
    assert after["updated"] == date.today().isoformat()
    assert after["published"] == before["published"]
    assert found(client, "quokka") == [slug]
    assert all("quokka" in text for text in public_texts(client, slug)[:2])
    assert_index_agrees_with_store(client)
    assert history(client, keys, live["id"])[-2:] == ["amendment_proposed", "amendment_published"]
    assert (
        client.get("/api/v1/moderation/amendments", headers=auth(keys.moderator)).json()["total"]
        == 0
    )


def test_moderators_request_changes_or_reject_and_the_council_amends_or_withdraws(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    first = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    second = propose(client, keys.leeds, live, {"title": "Another change"})
    assert second.status_code == 409  # one open amendment at a time
    assert f"/api/v1/amendments/{first['id']}" in second.json()["detail"]

    asked = decide(client, keys, first["id"], "request-changes", {"message": "Say where."})
    assert asked.json()["status"] == "changes_requested"
    assert asked.json()["moderation_message"] == "Say where."
    url = f"/api/v1/amendments/{first['id']}"
    stale = client.patch(
        url, json={"summary": NEW_SUMMARY}, headers={**auth(keys.leeds), "If-Match": '"1"'}
    )
    assert stale.status_code == 409 and stale.json()["current"] == {
        "version": 2,
        "status": "changes_requested",
    }
    changed = client.patch(
        url, json={"programme": "Kinship North"}, headers={**auth(keys.leeds), "If-Match": '"2"'}
    )
    assert changed.status_code == 200, changed.text
    assert (
        changed.json()["status"] == "submitted" and changed.json()["programme"] == "Kinship North"
    )
    withdrawn = client.delete(url, headers=auth(keys.leeds))
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.patch(url, json={"title": "Late"}, headers=auth(keys.leeds)).status_code == 409

    third = propose(client, keys.leeds, live, {"title": "Kinship carers hub, renamed"}).json()
    rejected = decide(client, keys, third["id"], "reject", {"reason": "The old title is clearer."})
    assert rejected.json()["status"] == "rejected"
    assert client.get(f"/api/v1/case-studies/{live['slug']}").json()["title"] == live["title"]
    assert history(client, keys, live["id"])[-6:] == [
        "amendment_proposed",
        "amendment_changes_requested",
        "amendment_amended",
        "amendment_withdrawn",
        "amendment_proposed",
        "amendment_rejected",
    ]
    listed = client.get(f"/api/v1/submissions/{live['id']}/amendments", headers=auth(keys.leeds))
    assert [a["status"] for a in listed.json()["results"]] == ["rejected", "withdrawn"]


def test_only_the_owning_council_sees_or_amends_and_only_a_published_case_study(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    assert propose(client, keys.york, live, {"summary": NEW_SUMMARY}).status_code == 404
    amendment = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    url = f"/api/v1/amendments/{amendment['id']}"
    assert client.get(url, headers=auth(keys.york)).status_code == 404
    assert client.get(url).status_code == 401
    assert (
        client.post(
            f"/api/v1/moderation/amendments/{amendment['id']}/publish", headers=auth(keys.leeds)
        ).status_code
        == 403
    )
    bad = client.patch(url, json={"themes": ["not-a-theme"]}, headers=auth(keys.leeds))
    assert bad.status_code == 422 and "not-a-theme" in bad.text
    moved = client.patch(url, json={"council": "City of York Council"}, headers=auth(keys.leeds))
    assert moved.status_code == 403

    draft = submit(client, keys.leeds, make_draft(title="Not yet published")).json()
    refused = propose(client, keys.leeds, draft, {"summary": NEW_SUMMARY})
    assert refused.status_code == 409 and "PATCH /api/v1/submissions/" in refused.json()["detail"]
    direct = client.patch(
        f"/api/v1/submissions/{live['id']}", json={"summary": NEW_SUMMARY}, headers=auth(keys.leeds)
    )
    assert direct.status_code == 409 and "/amendments" in direct.json()["detail"]


def test_a_flagged_amendment_needs_its_safeguarding_check_confirmed(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    amendment = propose(client, keys.leeds, live, {"summary": f"A hub. {CHILD}"}).json()
    assert amendment["safeguarding"]["flagged"]
    refused = decide(client, keys, amendment["id"], "publish")
    assert refused.status_code == 409 and "confirm-safeguarding" in refused.json()["detail"]
    assert found(client, "numbat") == []
    confirmed = decide(
        client, keys, amendment["id"], "confirm-safeguarding", {"note": "Invented name, agreed."}
    )
    assert confirmed.json()["safeguarding"]["checked_version"] == 1
    assert (
        decide(client, keys, amendment["id"], "publish", **{"If-Match": '"2"'}).status_code == 200
    )
    assert found(client, "numbat") == [live["slug"]]


def test_an_amendment_and_an_unpublish_from_one_version_one_wins(
    client: TestClient, keys: Keys
) -> None:
    """The council and the moderator both read version 2 of the published case study."""
    live = published(client, keys)
    unpublish = f"/api/v1/moderation/{live['id']}/unpublish"
    opened = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}, **{"If-Match": '"2"'})
    assert opened.status_code == 201
    late = client.post(
        unpublish,
        json={"reason": "A name slipped in."},
        headers={**auth(keys.moderator), "If-Match": '"2"'},
    )
    assert late.status_code == 409 and late.json()["current"]["version"] == 3

    # Unpublishing the version now current closes the amendment: it amended what is gone.
    gone = client.post(
        unpublish,
        json={"reason": "A name slipped in."},
        headers={**auth(keys.moderator), "If-Match": '"3"'},
    )
    assert gone.status_code == 200, gone.text
    amendment = client.get(opened.headers["Location"], headers=auth(keys.leeds)).json()
    assert amendment["status"] == "rejected" and "unpublished" in amendment["moderation_message"]
    assert decide(client, keys, amendment["id"], "publish").status_code == 409
    assert client.get(f"/api/v1/case-studies/{live['slug']}").status_code == 404
    assert found(client, "quokka") == [] and found(client, "kinship") == []
    again = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}, **{"If-Match": '"2"'})
    assert again.status_code == 409 and again.json()["current"]["status"] == "changes_requested"


def test_an_amendment_racing_an_unpublish_or_a_change_of_itself(
    client: TestClient, keys: Keys
) -> None:
    """Sent at the same moment from threads: one wins, the other is a 409, nothing is lost."""
    for round_ in range(4):
        live = published(client, keys, title=f"Kinship hub round {round_}")
        opened, unpublished = at_once(
            lambda live=live: propose(
                client, keys.leeds, live, {"summary": NEW_SUMMARY}, **{"If-Match": '"2"'}
            ),
            lambda live=live: client.post(
                f"/api/v1/moderation/{live['id']}/unpublish",
                json={"reason": "Checking a detail."},
                headers={**auth(keys.moderator), "If-Match": '"2"'},
            ),
        )
        assert sorted([opened.status_code, unpublished.status_code]) in ([201, 409], [200, 409])
        assert_index_agrees_with_store(client)

    live = published(client, keys, title="Kinship hub, a publish race")
    amendment = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    url = f"/api/v1/amendments/{amendment['id']}"
    changed, published_ = at_once(
        lambda: client.patch(
            url,
            json={"summary": f"A hub. {CHILD}"},
            headers={**auth(keys.leeds), "If-Match": '"1"'},
        ),
        lambda: decide(client, keys, amendment["id"], "publish", **{"If-Match": '"1"'}),
    )
    public = client.get(f"/api/v1/case-studies/{live['slug']}").json()
    if published_.status_code == 200:
        assert changed.status_code == 409 and public["summary"] == NEW_SUMMARY
    else:
        assert (published_.status_code, changed.status_code) == (409, 200)
        assert public["summary"] == live["summary"]
    assert found(client, "numbat") == []
    assert_index_agrees_with_store(client)


def test_the_councils_people_are_told_what_happens_to_their_changes(
    client: TestClient, keys: Keys, smtp: SmtpServer
) -> None:
    live = published(client, keys, title="Kinship hub for letters")
    invite(client, "officer@leeds.example", "council", "Leeds City Council")

    def to_leeds(subject: str) -> Callable[[EmailMessage], bool]:
        return lambda m: m["To"] == "officer@leeds.example" and m["Subject"] == subject

    first = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    received = smtp.inbox.wait_for(
        to_leeds("We have received the changes to Kinship hub for letters")
    )
    assert "The published version stays on the site" in received.get_content()
    decide(client, keys, first["id"], "reject", {"reason": "The old summary is clearer."})
    rejected = smtp.inbox.wait_for(
        to_leeds("The changes to Kinship hub for letters will not be published")
    )
    assert "The old summary is clearer." in rejected.get_content()
    assert "stays on the site as it was" in rejected.get_content()
    second = propose(client, keys.leeds, live, {"summary": NEW_SUMMARY}).json()
    decide(client, keys, second["id"], "publish")
    done = smtp.inbox.wait_for(to_leeds("The changes to Kinship hub for letters are published"))
    assert f"/my/submissions/{live['id']}" in done.get_content()


def test_the_same_tags_in_another_order_are_no_change(client: TestClient, keys: Keys) -> None:
    """A form lists ticked boxes in the vocabulary's order, not the case study's: the same tags
    sent back are no change, in the amendment, its history or what a moderator is shown; a
    new tag is, and the tags it kept keep their order."""
    record = published(client, keys, themes=["family-support", "commissioning"])
    assert record["themes"] == ["family-support", "commissioning"]
    opened = propose(
        client, keys.leeds, record, {"themes": ["commissioning", "family-support"],
                                     "summary": NEW_SUMMARY},
    )  # fmt: skip
    assert opened.status_code == 201, opened.text
    assert opened.json()["themes"] == ["family-support", "commissioning"]
    history = client.get(f"/api/v1/submissions/{record['id']}/history", headers=auth(keys.leeds))
    assert set(history.json()["events"][-1]["changes"]) == {"summary"}

    url = f"/api/v1/amendments/{opened.json()['id']}"
    more = client.patch(
        url,
        json={"themes": ["commissioning", "workforce", "family-support"]},
        headers={**auth(keys.leeds), "If-Match": opened.headers["etag"]},
    )
    assert more.status_code == 200, more.text
    assert more.json()["themes"] == ["commissioning", "workforce", "family-support"]
