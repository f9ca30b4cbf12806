"""A cache for a function of one text, bounded in bytes rather than in entries.

A bound on entries (functools.lru_cache) says nothing about memory when the texts come from
clients: 100,000 made-up words of 1,000 characters are 400 MB of keys and as much again of
values. Each entry here is charged what its key and value take (sys.getsizeof, strings and
tuples of them) plus what the cache spends on keeping it, so the cache holds at most its budget
whatever it is asked (issue #15: every per-process cache is bounded in bytes).
"""

import sys
import threading
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from cachetools import LRUCache

T = TypeVar("T")

# The cache's own cost per entry: a slot in each of its two dictionaries (values, sizes), a node
# of its order list, and the (size, value) pair. Measured with tracemalloc (about 330 bytes) and
# rounded up; tests/unit/test_caches.py holds it.
ENTRY_BYTES = 400


def sizeof(value: object) -> int:
    """The memory a value holds: itself, and the strings of a tuple."""
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(sizeof(item) for item in value)
    return sys.getsizeof(value)


def bytes_cache(max_bytes: int) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """Cache a function of one text, least recently used first out, within max_bytes.

    Thread-safe; the function itself runs outside the lock, so two callers may both work out
    the same entry (harmless: the function is pure)."""

    def decorate(function: Callable[[str], T]) -> Callable[[str], T]:
        cache: LRUCache[str, tuple[int, T]] = LRUCache(max_bytes, getsizeof=lambda e: e[0])
        lock = threading.Lock()

        @wraps(function)
        def cached(text: str) -> T:
            with lock:
                entry = cache.get(text)
            if entry is not None:
                return entry[1]
            value = function(text)
            size = ENTRY_BYTES + sizeof(text) + sizeof(value)
            if size <= max_bytes:  # one larger than the whole budget is simply not kept
                with lock:
                    cache[text] = (size, value)
            return value

        return cached

    return decorate
