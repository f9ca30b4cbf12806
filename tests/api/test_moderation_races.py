"""Requests that race: an amendment against a publish, conflicting decisions, and many
submissions at once. Each is sent from its own thread at the same moment; whatever the order
the store takes them in, one decision wins per version, nothing unreviewed goes live, and the
index agrees with the store afterwards."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.store import case_studies as store
from testkit.factories import make_draft
from tests.api.conftest import Keys, auth, submit

# What the council slips in: a child's name, age, date of birth and address.
CHILD = "Numbat club member Mia, aged 9, born 04/05/2015, lives at 12 Oak Street, LS6 2QT."


def at_once(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the calls in threads released together; their answers in the order given."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def created(client: TestClient, key: str, **overrides: Any) -> dict[str, Any]:
    response = submit(client, key, make_draft(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def moderate(
    client: TestClient, key: str, record: int, action: str, body: dict[str, Any] | None = None
) -> Callable[[], httpx.Response]:
    url = f"/api/v1/moderation/{record}/{action}"
    return lambda: client.post(url, json=body, headers=auth(key))


def stored(client: TestClient, keys: Keys, record: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.moderator))
    body: dict[str, Any] = response.json()
    return body


def found(client: TestClient, q: str) -> list[str]:
    return [r["slug"] for r in client.get("/api/v1/search", params={"q": q}).json()["results"]]


def assert_index_agrees_with_store(client: TestClient) -> None:
    """What `indexer verify` checks: the index holds exactly the published case studies, each
    indexed from its current content."""
    app: Any = client.app
    with Session(app.state.engine) as session:
        expected = {cs.slug: cs.content_hash for cs in store.iter_published(session)}
    assert app.state.search.index.fingerprints() == expected


def amend_against_publish(
    client: TestClient, keys: Keys, record: int, delay: float, if_match: bool
) -> tuple[httpx.Response, httpx.Response]:
    """The council's amendment naming a child, and the moderator's publish `delay` later."""
    headers = {**auth(keys.moderator), **({"If-Match": '"1"'} if if_match else {})}

    def amend() -> httpx.Response:
        return client.patch(
            f"/api/v1/submissions/{record}",
            json={"summary": f"A hub for kinship carers. {CHILD}"},
            headers=auth(keys.leeds),
        )

    def publish() -> httpx.Response:
        time.sleep(delay)  # the moderator's click lands a moment after the amendment
        return client.post(f"/api/v1/moderation/{record}/publish", headers=headers)

    amended, published = at_once(amend, publish)
    return amended, published


@pytest.mark.parametrize("if_match", [True, False], ids=["reviewed-version", "no-if-match"])
def test_an_amendment_racing_a_publish_never_goes_live_unreviewed(
    client: TestClient, keys: Keys, if_match: bool
) -> None:
    """Finding 1: the moderator publishes what they read, 0-30 ms after the council sends an
    amendment naming a child. Either the old text is published and the amendment refused, or
    the amendment is stored and the publish refused; never the amended text live."""
    for round_ in range(13):
        original = created(client, keys.leeds, title=f"Kinship hub round {round_}")
        record, slug = original["id"], original["slug"]
        amended, published = amend_against_publish(client, keys, record, round_ * 0.0025, if_match)
        now = stored(client, keys, record)
        public = client.get(f"/api/v1/case-studies/{slug}")
        if published.status_code == 200:
            assert amended.status_code == 409, amended.text
            assert now["status"] == "published" and now["summary"] == original["summary"]
            assert public.json()["summary"] == original["summary"]
        else:
            assert (published.status_code, amended.status_code) == (409, 200)
            assert now["status"] == "submitted" and "Numbat" in now["summary"]
            assert now["safeguarding"]["flagged"] and now["safeguarding"]["checked_at"] is None
            assert public.status_code == 404
        assert found(client, "numbat") == []
        assert_index_agrees_with_store(client)


def test_conflicting_decisions_on_one_submission_have_one_winner(
    client: TestClient, keys: Keys
) -> None:
    """Finding 2: four publishes, a reject and a withdraw at once. One succeeds; the history
    has one decision; the record is searchable, suggested and counted only if published."""
    published = 0
    for word in ("bilby", "dugong", "wallaby", "quokka"):
        body = created(client, keys.leeds, title=f"The {word} kinship hub", themes=["neglect"])
        record, slug = body["id"], body["slug"]
        withdraw = f"/api/v1/submissions/{record}"
        answers = at_once(
            *[moderate(client, keys.moderator, record, "publish")] * 4,
            moderate(client, keys.moderator, record, "reject", {"reason": "Out of scope"}),
            lambda: client.delete(withdraw, headers=auth(keys.leeds)),  # noqa: B023
        )
        winners = [a for a in answers if a.status_code == 200]
        assert len(winners) == 1, [a.status_code for a in answers]
        assert sorted(a.status_code for a in answers) == [200] + [409] * 5
        final = stored(client, keys, record)
        assert final["status"] == winners[0].json()["status"]
        events = client.get(
            f"/api/v1/submissions/{record}/history", headers=auth(keys.leeds)
        ).json()["events"]
        assert [(e["from_status"], e["to_status"]) for e in events] == [
            (None, "submitted"),
            ("submitted", final["status"]),
        ]
        live = final["status"] == "published"
        published += live
        assert found(client, word) == ([slug] if live else [])
        suggested = client.get("/api/v1/suggest", params={"q": word}).json()["suggestions"]
        assert [s["value"] for s in suggested] == ([slug] if live else [])
        themes = client.get("/api/v1/vocabulary").json()["themes"]
        assert next(t for t in themes if t["slug"] == "neglect")["count"] == published
        assert_index_agrees_with_store(client)


def test_sixteen_simultaneous_submissions_with_one_title_all_succeed(
    client: TestClient, keys: Keys
) -> None:
    """Finding 7: the same title sixteen times at once gives sixteen records, never a 500."""
    answers = at_once(*[lambda: submit(client, keys.leeds, make_draft())] * 16)
    assert [a.status_code for a in answers] == [201] * 16
    assert len({a.json()["slug"] for a in answers}) == 16
    listed = client.get("/api/v1/submissions", headers=auth(keys.leeds)).json()
    assert listed["total"] == 16


def test_sixteen_simultaneous_retries_with_one_idempotency_key_make_one_record(
    client: TestClient, keys: Keys
) -> None:
    """Finding 7: a retry storm with one Idempotency-Key gets the first answer sixteen times."""
    retry = {"Idempotency-Key": "retry-storm"}
    answers = at_once(*[lambda: submit(client, keys.leeds, make_draft(), **retry)] * 16)
    assert [a.status_code for a in answers] == [201] * 16
    assert len({a.json()["id"] for a in answers}) == 1
    listed = client.get("/api/v1/submissions", headers=auth(keys.leeds)).json()
    assert listed["total"] == 1
