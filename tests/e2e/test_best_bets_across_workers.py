"""A best bet, saved or removed through one worker of `--workers 2`, is in every answer once the
moderator's request has returned, whichever worker answers: the widget's JSON (and its ETag)
and the frame's page. The workers' polls of the store are an hour apart here, so only what a
search reads for itself can bring the pin in (a page without it was served by the other worker
for up to a poll, and the frame's page is then kept a minute by the browser)."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.store.db import make_engine
from app.store.keys import create_key
from testkit.servers import service
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e
QUERY, PINNED = "care leavers", "dorset-council-tax-care-leavers"
WIDGET = {"q": QUERY, "per_page": "3"}  # what <case-study-search q='care leavers' limit='3'> asks
FRAME = {"q": QUERY, "limit": "3"}  # the page its frame shows
ASKS = 48  # per endpoint, from four threads on connections of their own: both workers answer


@pytest.fixture
def two_workers(tmp_path: Path, seeded_server: ServerPrepare) -> Iterator[tuple[str, str]]:
    """Two workers on a seeded copy (what a restart starts on), and a moderator's API key."""
    env = {"RATE_LIMIT": "off", "INDEX_SYNC_SECONDS": "3600"}
    with service(tmp_path, env, workers=2, ready="/readyz", prepare=seeded_server) as base:
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        with Session(engine) as session:
            key = create_key(session, "moderator", label="campaign team")[1]
        engine.dispose()
        yield base, key


def asked(base: str, ask: Callable[[httpx.Client], bool]) -> int:
    """How many of ASKS answers ask() holds true for, each on a new connection (so that either
    worker may take it): `Connection: close` ends each after its answer. One client serves
    them all: a client per ask cost ~50 ms of CPU to make (its TLS context), 336 a test."""
    with (
        httpx.Client(base_url=base, timeout=30, headers={"Connection": "close"}) as client,
        ThreadPoolExecutor(4) as pool,
    ):
        return sum(pool.map(lambda _: ask(client), range(ASKS)))


def widget_pinned(client: httpx.Client, etag: str | None = None) -> bool:
    """Whether the widget's search shows the pin first, marked (a 304 for an ETag sent is an
    answer without it: the ETag was taken before the pin)."""
    headers = {"If-None-Match": etag} if etag else {}
    answer = client.get("/api/v1/search", params=WIDGET, headers=headers)
    if answer.status_code == 304:
        return False
    first = answer.raise_for_status().json()["results"][0]
    return bool(first["slug"] == PINNED and first.get("recommended"))


def frame_pinned(client: httpx.Client) -> bool:
    page = client.get("/embed", params=FRAME).raise_for_status().text
    return page.count('class="recommended-tag"') == 1 and f"/case-studies/{PINNED}" in page


def test_a_pin_is_in_every_answer_once_saved_and_gone_once_removed(
    two_workers: tuple[str, str],
) -> None:
    base, key = two_workers
    moderator = {"Authorization": f"Bearer {key}"}
    # Both workers have answered these searches (and kept the pages) before the pin.
    before = httpx.get(f"{base}/api/v1/search", params=WIDGET, timeout=30)
    assert asked(base, widget_pinned) == 0
    assert asked(base, frame_pinned) == 0

    made = httpx.post(
        f"{base}/api/v1/best-bets",
        json={"query": QUERY, "slug": PINNED},
        headers=moderator,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    assert asked(base, widget_pinned) == ASKS
    assert asked(base, frame_pinned) == ASKS
    # A widget that kept the page from before the pin is not told it is unchanged.
    assert asked(base, lambda c: widget_pinned(c, before.headers["ETag"])) == ASKS

    httpx.delete(made.json()["url"], headers=moderator, timeout=30).raise_for_status()
    assert asked(base, widget_pinned) == 0
    assert asked(base, frame_pinned) == 0
