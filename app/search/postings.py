"""Postings read into numpy arrays through Whoosh's internals, and the cache that keeps them.

Segments never change once written (deletions are masked by the caller), so what is read from
one stays valid until the segment is merged away; cache keys carry the segment's content id
(content_id). A process's indexes share one cache (shared_postings()): copies of one index (a test's
seeded store, a restart in-process) share what was read from it, and two different indexes
never do.
"""

import hashlib
import os
import threading
import weakref
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from cachetools import LRUCache
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import W3LeafMatcher

from app.search import positions
from app.search.positions import Places

Ids = NDArray[np.int32]
Floats = NDArray[np.float64]
Weights = NDArray[np.float32]  # term frequencies: small whole numbers, exact in float32

K = TypeVar("K", bound=tuple[Any, ...])

MAX_POSTINGS = 40_000_000  # about 320 MB of cached postings before the least used are dropped
WARM_POSTINGS = MAX_POSTINGS // 2  # read ahead of the first search: the commonest words
# Words in fewer documents than this share (and at least two) are read when first searched for:
# their lists are short enough to read at once, and at a start they are most of the vocabulary.
WARM_MIN_SHARE = 1 / 200
MAX_PHRASE_MATCHES = 2_000_000  # about 16 MB of cached phrase matches (number and count each)
# Places (positions.py) of the commonest words read ahead, at 8 bytes each: about 384 MB at most.
# A word in fewer documents than PLACES_MIN_SHARE has its places read for a phrase's candidates
# when asked (at most 500 of a 5,000-document segment). 1 in 50 read more (5 million places at
# 10k) for no first-time gain that showed, and took a fifth longer (docs/benchmarks.md). The
# budget holds every such word at 100k (16 million held a few dozen: first-time p95 126 ms
# there against 45 with all, for 270 MB and 16 s more at a start; docs/benchmarks.md).
WARM_PLACES = 48_000_000
PLACES_MIN_SHARE = 1 / 10


def content_id(reader: Any) -> str:
    """A segment reader's id for the cache: Whoosh's id for the segment and its files' names,
    sizes and modification times. Whoosh draws segment ids from the `random` module, which a
    test (or Hypothesis) may seed, so two indexes can hold segments of one id; a copy of an
    index (file times kept) has the same content ids. A segment in memory has no files: its
    id alone (such indexes each keep their own Postings)."""
    segid: str = reader.segment().segment_id()
    storage = reader.storage()
    folder = getattr(getattr(storage, "b", storage), "folder", None)  # b: under a compound file
    if folder is None:
        return segid
    files = sorted(
        (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
        for entry in os.scandir(folder)
        if segid in entry.name
    )
    digest = hashlib.blake2b(repr(files).encode(), digest_size=8).hexdigest()
    return f"{segid}-{digest}"


@dataclass(frozen=True)
class Segment:
    """One segment as a searcher sees it. Whoosh's readers seek and read shared file handles,
    so every read through `reader` holds `lock`, the lock of the searcher that owns it."""

    id: str  # content_id(reader)
    reader: Any
    offset: int  # the segment's first document number in the searcher
    lock: threading.RLock


def _size(entry: tuple[Ids, Weights]) -> int:
    return len(entry[0])


def _phrase_size(entry: tuple[Ids, Weights]) -> int:
    return len(entry[0]) + 16  # a phrase found nowhere costs something too


class Postings:
    """Postings and field lengths per segment, read once and shared by every searcher.

    Safe to share between threads: reading happens outside the cache's lock (under the
    segment's), bookkeeping inside it.
    """

    def __init__(self, max_postings: int = MAX_POSTINGS) -> None:
        self._lock = threading.Lock()
        self._terms: LRUCache[tuple[str, str, bytes], tuple[Ids, Weights]] = LRUCache(
            max_postings, getsizeof=_size
        )
        self._lengths: dict[tuple[str, str], Floats] = {}
        self._phrases: LRUCache[tuple[str, str, tuple[bytes, ...]], tuple[Ids, Weights]] = LRUCache(
            MAX_PHRASE_MATCHES, getsizeof=_phrase_size
        )
        # Only what warm_places read ahead: a word's places in every document of a segment.
        self._places: dict[tuple[str, str, bytes], Places] = {}
        # The segments each index's current view reads (see use()), and the read-aheads done.
        self._users: weakref.WeakKeyDictionary[object, frozenset[str]] = weakref.WeakKeyDictionary()
        self._warmed: set[tuple[tuple[str, ...], Any]] = set()

    @property
    def size(self) -> int:
        """How many postings are cached."""
        return int(self._terms.currsize)

    def term(self, segment: Segment, field: str, text: bytes) -> tuple[Ids, Weights]:
        """Document numbers (within the segment) and term frequencies of one word."""
        key = (segment.id, field, text)
        with self._lock:
            found = self._terms.get(key)
        if found is not None:
            return found
        with segment.lock:
            found = _read_postings(segment.reader, field, text)
        with self._lock:
            if _size(found) <= self._terms.maxsize:  # a longer list is read every time
                self._terms[key] = found
        return found

    def holds(self, segment: Segment, field: str, text: bytes) -> bool:
        with self._lock:
            return (segment.id, field, text) in self._terms

    def lengths(self, segment: Segment, field: str) -> Floats:
        """Each document's length in a field, as Whoosh's scorer sees it (byte-quantised)."""
        key = (segment.id, field)
        with self._lock:
            found = self._lengths.get(key)
        if found is None:
            reader = segment.reader
            with segment.lock:
                found = np.array(
                    [
                        reader.doc_field_length(d, field, 0) or 0
                        for d in range(reader.doc_count_all())
                    ],
                    dtype=np.float64,
                )
            with self._lock:
                self._lengths[key] = found
        return found

    def phrase(
        self, segment: Segment, field: str, words: tuple[bytes, ...], candidates: Ids
    ) -> tuple[Ids, Weights]:
        """The candidates (within the segment) where the words occur one after another, and
        how many times they do in each."""
        key = (segment.id, field, words)
        with self._lock:
            found = self._phrases.get(key)
        if found is not None:
            return found
        ids = [self.term(segment, field, word)[0] for word in words]
        with self._lock:
            known = [self._places.get((segment.id, field, word)) for word in words]
        with segment.lock:
            found = positions.phrase_matches(segment.reader, field, words, candidates, ids, known)
        with self._lock:
            if _phrase_size(found) <= self._phrases.maxsize:  # a longer one is found every time
                self._phrases[key] = found
        return found

    def warm(self, segments: list[Segment], fields: Iterable[str], budget: int) -> int:
        """Read field lengths and the commonest words' postings; return how many postings."""
        read = 0
        for segment in segments:
            reader = segment.reader
            share = read + budget // len(segments)  # each segment its share of the budget
            rare = max(2, int(reader.doc_count_all() * WARM_MIN_SHARE))
            words: list[tuple[int, str, bytes]] = []
            for field in fields:
                if field not in reader.schema or not reader.schema[field].scorable:
                    continue
                self.lengths(segment, field)
                with segment.lock:
                    words += [
                        (-info.doc_frequency(), field, text)
                        for text, info in reader.iter_field(field)
                    ]
            for negative_frequency, field, text in sorted(words):
                if read - negative_frequency > share or -negative_frequency < rare:
                    break
                if not self.holds(segment, field, text):
                    self.term(segment, field, text)
                read -= negative_frequency
        return read

    def holds_phrase(self, segment: Segment, field: str, words: tuple[bytes, ...]) -> bool:
        with self._lock:
            return (segment.id, field, words) in self._phrases

    def warm_places(
        self,
        segments: list[Segment],
        fields: Iterable[str],
        budget: int,
        least: float = PLACES_MIN_SHARE,
    ) -> int:
        """Read the places of each segment's commonest words (in `least` of its documents or
        more, most first, up to budget places in all); return how many."""
        read = 0
        for segment in segments:
            reader = segment.reader
            share = read + budget // len(segments)  # each segment its share of the budget
            common = max(2, int(reader.doc_count_all() * least))
            words: list[tuple[int, int, str, bytes]] = []
            for field in fields:
                if field not in reader.schema or not reader.schema[field].scorable:
                    continue
                with segment.lock:
                    words += [
                        (-info.doc_frequency(), int(info.weight()), field, text)
                        for text, info in reader.iter_field(field)
                        if info.doc_frequency() >= common
                    ]
            for _negative, count, field, text in sorted(words):
                key = (segment.id, field, text)
                if read + count > share:
                    break
                with self._lock:
                    if key in self._places:
                        continue
                ids = self.term(segment, field, text)[0]
                with segment.lock:
                    places = positions.read_places(
                        positions.postings(reader, field, text), ids, ids
                    )
                with self._lock:
                    self._places[key] = places
                read += len(places)
        return read

    def first_warm(self, segments: list[Segment], what: Any) -> bool:
        """Whether a read-ahead (`what`, hashable) of these segments is asked for the first
        time; it is then noted. A copy of an index started again reads nothing ahead twice."""
        key = (tuple(segment.id for segment in segments), what)
        with self._lock:
            first = key not in self._warmed
            self._warmed.add(key)
        return first

    def use(self, user: object, segments: set[str]) -> None:
        """Note the segments an index (user) now reads, and forget those no index in use
        reads any more (merged, or replaced by a rebuild)."""
        with self._lock:
            self._users[user] = frozenset(segments)
            live = set().union(*self._users.values())
            _forget(self._terms, live)
            _forget(self._lengths, live)
            _forget(self._phrases, live)
            _forget(self._places, live)
            self._warmed = {key for key in self._warmed if live.issuperset(key[0])}

    def release(self, user: object) -> None:
        """An index is closed: what only it read is forgotten at the next use()."""
        with self._lock:
            self._users.pop(user, None)


_shared = Postings()


def shared_postings() -> Postings:
    """The process's Postings, which its SearchIndexes share."""
    return _shared


def _new_after_fork() -> None:
    global _shared  # a forked child starts with its own: the parent's lock may have been held
    _shared = Postings()


os.register_at_fork(after_in_child=_new_after_fork)


def _forget(cache: MutableMapping[K, Any], segments: set[str]) -> None:
    for key in [k for k in cache if k[0] not in segments]:
        del cache[key]


def _read_postings(reader: Any, field: str, text: bytes) -> tuple[Ids, Weights]:
    matcher = positions.postings(reader, field, text)
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(matcher, W3LeafMatcher):  # whole blocks at a time
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)
