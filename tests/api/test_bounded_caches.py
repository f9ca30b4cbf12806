"""Per-process caches are bounded in bytes, not in entries (issue #15, finding 8: 1,024 pages
of 50 results reached about 500 MB)."""

import gc
import itertools
import tracemalloc

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.search.query import MAX_WORD_CHARS
from testkit.factories import sample_collection
from tests.seeded import Prepare


def grown_by(client: TestClient, requests: list[dict[str, object]]) -> int:
    """Bytes the process still holds after answering requests (each once). The searches' counts
    are written to the store before and after, as the counter's own thread would (every 5 s):
    they wait in memory until then, and a write in the window costs what its first does."""
    counter = client.app.state.queries  # type: ignore[attr-defined]
    counter.flush()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for params in requests:
            assert client.get("/api/v1/search", params=params).status_code == 200  # type: ignore[arg-type]
        counter.flush()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_page_cache_stays_within_its_budget(prepare_store: Prepare, settings: Settings) -> None:
    prepare_store(settings, sample_collection())
    # No log records at INFO: pytest keeps every one it captures, which would be counted.
    budget = settings.model_copy(update={"search_cache_mb": 0.25, "log_level": "warning"})
    # 126 different pages of up to 50 results: about 4 MB were they all kept.
    requests: list[dict[str, object]] = [
        {"per_page": per_page, "sort": sort, **({"age": age} if age else {})}
        for per_page, sort, age in itertools.product(range(30, 51), ("newest", "title"), (0, 3, 14))
    ]
    with TestClient(create_app(budget)) as client:
        client.get("/api/v1/search")  # warm: the route, the first plan
        grown = grown_by(client, requests)
        assert grown < 1_000_000, f"{grown:,} bytes kept for {len(requests)} pages"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_made_up_words_of_any_length_leave_nothing_behind(
    prepare_store: Prepare, settings: Settings
) -> None:
    """Every word cache (stems, spelling, the thesaurus's forms, Whoosh's stem cache) once kept
    each made-up word a client sent, whatever its length: 1,000 letters at up to 4 bytes each,
    several copies per query. A word longer than MAX_WORD_CHARS is now dropped as the query is
    cleaned, and what is kept of shorter ones is bounded in bytes (tests/unit/test_caches.py)."""
    prepare_store(settings, sample_collection())
    # Pages and plans within 0.25 MB between them, so what is left is what the words cost.
    budget = settings.model_copy(update={"search_cache_mb": 0.2, "log_level": "warning"})
    letters = ["x", "\u00e9", "\U00020000"]  # one, two and four bytes a letter in a str
    requests: list[dict[str, object]] = [
        {"q": f"{letters[n % 3] * (MAX_WORD_CHARS + 1 + n * 7 % 900)}{n:04} fostering"}
        for n in range(120)
    ]
    with TestClient(create_app(budget)) as client:
        client.get("/api/v1/search", params={"q": "fostering"})  # warm: the route, the words
        grown = grown_by(client, requests)
        assert grown < 600_000, f"{grown:,} bytes kept for {len(requests)} made-up words"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_parsed_queries_keep_to_their_own_budget_with_pages_off(
    prepare_store: Prepare, settings: Settings
) -> None:
    """SEARCH_PLANS_MB gives parsed queries a budget of their own, so a server can keep them
    with the page cache off (SEARCH_CACHE_MB=0), and bounds them all the same."""
    prepare_store(settings, sample_collection())
    words = ["fostering", "kinship", "early", "help", "youth", "care", "leavers", "school"]
    requests: list[dict[str, object]] = [
        {"q": f"{a} {b}", "sort": sort}
        for a, b in itertools.permutations(words, 2)
        for sort in ("relevance", "newest")
    ]
    grown = {}
    for plans_mb in (0, 0.1, 16):
        budget = settings.model_copy(
            update={"search_cache_mb": 0, "search_plans_mb": plans_mb, "log_level": "warning"}
        )
        with TestClient(create_app(budget)) as client:
            for word in words:  # warm: the route, and each word's stems and spellings
                client.get("/api/v1/search", params={"q": word})
            grown[plans_mb] = grown_by(client, requests)
    # 112 plans are about 0.8 MB: kept within 16 MB, about a tenth of a megabyte at 0.1 (the
    # sizes are estimates, and what the other caches keep varies by tens of kilobytes).
    assert grown[16] > grown[0] + 500_000, grown
    assert grown[0.1] < grown[0] + 3 * 0.1 * 2**20, grown
