"""Highlighted snippets: matches wrapped in <mark>, every other character HTML-escaped.

A text's words (with their places and stems) are worked out once and kept, so a snippet is a
few set look-ups rather than a fresh analysis of the whole body for every result of every
search.
"""

from __future__ import annotations

import threading
from array import array
from html import escape
from typing import TypeAlias

from cachetools import LRUCache, cached

from app.search.analysis import WORD, stem

FRAGMENT = 200  # characters in a body snippet's fragment
BEFORE = 60  # characters kept before the first match in a fragment
FRAGMENTS = 2
BETWEEN = " … "


Words: TypeAlias = "tuple[array[int], array[int], tuple[str, ...], int]"
# Bounded in bytes, not texts: a body can be a hundred times another. Measured with tracemalloc
# over the bundled collection: about 7 bytes per character of text for the places and stems,
# plus the text itself, which the cache keeps as its key.
WORDS_CACHE_BYTES = 32 * 2**20
BYTES_PER_CHAR = 9


def _size(words: Words) -> int:
    return 256 + BYTES_PER_CHAR * words[3]


@cached(LRUCache(WORDS_CACHE_BYTES, getsizeof=_size), lock=threading.Lock())
def _words(text: str) -> Words:
    """Where every indexed word of a text starts and ends, its stem, and the text's length."""
    starts, ends, stems = array("I"), array("I"), []
    for match in WORD.finditer(text):
        found = stem(match.group())
        if found is not None:
            starts.append(match.start())
            ends.append(match.end())
            stems.append(found)
    return starts, ends, tuple(stems), len(text)


def _mark(text: str, start: int, end: int, hits: list[tuple[int, int]]) -> str:
    out: list[str] = []
    at = start
    for hit_start, hit_end in hits:
        if hit_start < at or hit_end > end:
            continue
        out.append(escape(text[at:hit_start], quote=False))
        out.append(f"<mark>{escape(text[hit_start:hit_end], quote=False)}</mark>")
        at = hit_end
    out.append(escape(text[at:end], quote=False))
    return "".join(out)


def _edge(text: str, at: int, forward: bool) -> int:
    """Move a cut to the nearest space so words are not split."""
    if at <= 0 or at >= len(text):
        return max(0, min(at, len(text)))
    found = text.find(" ", at) if forward else text.rfind(" ", 0, at)
    return found if found != -1 else at


def snippet(text: str, terms: frozenset[str], *, whole: bool = False) -> str | None:
    """Return text around the matched terms (or all of it) marked up; None if none matched."""
    if not text or not terms:
        return None
    starts, ends, stems, _ = _words(text)
    hits = [(starts[i], ends[i]) for i, stem in enumerate(stems) if stem in terms]
    if not hits:
        return None
    if whole:
        return _mark(text, 0, len(text), hits)
    # Fragments around the places with the most matches, in the order they come in the text.
    windows: list[tuple[int, int, int]] = []  # (-matches, start, end)
    for hit_start, _ in hits:
        start = _edge(text, hit_start - BEFORE, forward=False)
        end = _edge(text, start + FRAGMENT, forward=True)
        count = sum(1 for s, e in hits if s >= start and e <= end)
        windows.append((-count, start, end))
    chosen: list[tuple[int, int]] = []
    for _, start, end in sorted(windows):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == FRAGMENTS:
            break
    return BETWEEN.join(_mark(text, start, end, hits).strip() for start, end in sorted(chosen))
