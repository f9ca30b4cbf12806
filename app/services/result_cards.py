"""Result cards (a published case study's summary, and its snippets for a search's words) kept
for one state of the store, so a warm search reads no rows and marks up no snippets.

The store is the truth: what is kept belongs to the change log's head it was read at (every
publish, withdrawal or edit of a published case study writes the log in the same transaction,
app/services/workflow.py `claim`). A search names the head it read before anything else; a
newer head empties the cards, and a search that read an older head than the cards' neither
uses nor adds any (what it read may be older than what they hold). Rows read after the head
was read are at least as new as it, so a card is never older than the head it is kept for.
Whether a slug is published is kept too (None): a withdrawal writes the log.
"""

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from cachetools import LRUCache

from app.core.results import SearchResult, Summary
from app.services.results import search_result

# Summaries kept (their text is most of it), most recently used. 48 MiB since the case studies
# gained their plain words and questions (2 December): about 61 KB each as charged, so the bench's
# 10k warm pass (about 600 results) no longer fitted in 32 MiB and missed every one (LRU cycled).
SUMMARY_BYTES = 48 * 2**20
CARD_BYTES = 16 * 2**20  # results with their snippets for one search's words
OVERHEAD = 512  # bytes per entry whatever its size: the objects, the key, the cache's links
BYTES_PER_CHAR = 2  # text kept, with the strings' own overheads; rounded up
STEM_BYTES = 72  # a kept stem: a string of up to 20 letters, with its header

CardKey = tuple[str, frozenset[str], bool]
K = TypeVar("K")
V = TypeVar("V")


def _summary_size(study: Summary | None) -> int:
    if study is None:
        return OVERHEAD
    text = len(study.body) + len(study.summary) + sum(len(o) for o in study.outcomes)
    kept = study.sentences or ()
    text += sum(len(sentence) for sentence, _ in kept)
    # Each kept sentence: two tuples (160 bytes) and a pointer a word to its stem; each distinct
    # stem charged as if this body alone held it (they are interned, shared between bodies).
    pointers = sum(len(held) + 20 for _, held in kept)
    stems = len({stem for _, held in kept for stem in held})
    return OVERHEAD * 2 + BYTES_PER_CHAR * text + 8 * pointers + STEM_BYTES * stems


def _card_size(card: SearchResult) -> int:
    text = len(card.summary) + len(card.title) + sum(len(h) for h in card.highlights.values())
    return OVERHEAD * 2 + BYTES_PER_CHAR * text


def _keep(cache: "LRUCache[K, V]", key: K, value: V) -> None:
    """Keep value unless it alone is over the cache's budget (then it is simply not kept)."""
    if cache.getsizeof(value) <= cache.maxsize:
        cache[key] = value


class ResultCards:
    """Summaries and finished results of published case studies for one change-log head."""

    def __init__(self, summary_bytes: int = SUMMARY_BYTES, card_bytes: int = CARD_BYTES) -> None:
        self._lock = threading.Lock()
        self._head = -1
        self._summary_bytes = summary_bytes
        self._card_bytes = card_bytes
        self._summaries: LRUCache[str, Summary | None] = self._new_summaries()
        self._cards: LRUCache[CardKey, SearchResult] = LRUCache(card_bytes, getsizeof=_card_size)

    def _new_summaries(self) -> "LRUCache[str, Summary | None]":
        return LRUCache(self._summary_bytes, getsizeof=_summary_size)

    def _current(self, head: int) -> bool:
        """Whether cards may be used and kept for head (called under the lock)."""
        if head > self._head:
            self._head = head
            self._summaries = self._new_summaries()
            self._cards = LRUCache(self._card_bytes, getsizeof=_card_size)
        return head == self._head

    def results(
        self,
        head: int,
        slugs: list[str],
        terms: frozenset[str],
        pinned: Iterable[str],
        load: Callable[[list[str]], dict[str, Summary]],
    ) -> list[SearchResult]:
        """The published ones among slugs as results, in order; load(slugs) reads summaries
        from the store (after head was read) for those not kept."""
        recommended = set(pinned)
        keys = [(slug, terms, slug in recommended) for slug in slugs]
        with self._lock:
            current = self._current(head)
            cards = {key: self._cards.get(key) for key in keys} if current else {}
            studies = {s: self._summaries.get(s, False) for s in slugs} if current else {}
        missing = [s for s in slugs if studies.get(s, False) is False]
        loaded = load(missing) if missing else {}
        made: dict[CardKey, SearchResult] = {}
        results = []
        for key in keys:
            card = cards.get(key)
            if card is None:
                study = loaded.get(key[0]) if key[0] in missing else studies[key[0]]
                if not isinstance(study, Summary):
                    continue  # not published (any longer)
                card = made[key] = search_result(study, terms, key[2])
            results.append(card)
        if missing or made:
            with self._lock:
                if self._current(head):
                    for slug in missing:
                        _keep(self._summaries, slug, loaded.get(slug))
                    for key, card in made.items():
                        _keep(self._cards, key, card)
        return results
