"""The search service's caches of pages and plans: bounded in bytes (an estimate of each
entry's memory), not in entries, as a page of 50 results holds a hundred times what a page of
none does."""

from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from app.core.results import SearchPage

CACHE_BYTES = 64 * 2**20  # search pages kept per process (SEARCH_CACHE_MB), most recently used
PLAN_SHARE = 4  # parsed, corrected queries with their filters: a quarter of the pages' budget
# Memory a cached value holds per byte of its text form (its JSON, or a query's repr): Python
# strings, lists and models cost several times the characters they carry. Measured with
# tracemalloc over the bundled collection (about 3.3 for pages, 8.6 for plans), rounded up.
PAGE_BYTES_PER_CHAR = 4
PLAN_BYTES_PER_CHAR = 10
OVERHEAD = 2048  # bytes per entry whatever its size: the objects, the key, the cache's links


def size_of(entry: Any) -> int:
    """An entry's estimated memory (a page's Entry or the service's plan both carry it)."""
    return int(entry.size)


@dataclass
class Entry:
    page: SearchPage
    size: int  # about how much memory it holds, key and one rendering included, in bytes
    rendered: tuple[str, Any] | None = None  # the last rendering asked for (see rendered())


def entry_of(page: SearchPage, key: tuple[Any, ...]) -> Entry:
    chars = len(page.model_dump_json()) + len(repr(key))
    return Entry(page, OVERHEAD + (PAGE_BYTES_PER_CHAR + 1) * chars)


def remember(cache: "LRUCache[tuple[Any, ...], Any]", key: tuple[Any, ...], value: Any) -> None:
    """Keep value unless it alone is over the cache's budget (then it is simply not kept)."""
    if size_of(value) <= cache.maxsize:
        cache[key] = value
