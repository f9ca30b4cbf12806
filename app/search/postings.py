"""Postings read into numpy arrays through Whoosh's internals, and the cache that keeps them.

Segments never change once written (deletions are masked by the caller), so what is read from
one stays valid until the segment is merged away; cache keys carry the segment id.
"""

import threading
from bisect import bisect_left
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from pickle import loads
from typing import Any, TypeVar

import numpy as np
from cachetools import LRUCache
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE

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


@dataclass(frozen=True)
class Segment:
    """One segment as a searcher sees it. Whoosh's readers seek and read shared file handles,
    so every read through `reader` holds `lock`, the lock of the searcher that owns it."""

    id: str
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
        with segment.lock:
            found = _phrase_matches(segment.reader, field, words, candidates, ids)
        with self._lock:
            if _phrase_size(found) <= self._phrases.maxsize:  # a longer one is found every time
                self._phrases[key] = found
        return found

    def warm(self, segments: list[Segment], fields: Iterable[str], budget: int) -> int:
        """Read field lengths and the commonest words' postings; return how many postings."""
        read = 0
        for segment in segments:
            reader = segment.reader
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
                if (
                    read - negative_frequency > budget // len(segments)
                    or -negative_frequency < rare
                ):
                    break
                if not self.holds(segment, field, text):
                    self.term(segment, field, text)
                read -= negative_frequency
        return read

    def keep_only(self, segments: set[str]) -> None:
        """Forget segments that are gone (merged or replaced by a rebuild)."""
        with self._lock:
            _forget(self._terms, segments)
            _forget(self._lengths, segments)
            _forget(self._phrases, segments)


def _forget(cache: MutableMapping[K, Any], segments: set[str]) -> None:
    for key in [k for k in cache if k[0] not in segments]:
        del cache[key]


def _postings(reader: Any, field: str, text: bytes) -> Any:
    """A segment's postings for a word, deleted documents included (the caller masks them):
    what is cached must not depend on when it was read."""
    matcher = reader.postings(field, text)
    if not isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "child"):
        matcher = matcher.child  # inside Whoosh's filter that skips deleted documents,
        matcher.reset()  # which has already moved it past the first deleted ones
    return matcher


def _read_postings(reader: Any, field: str, text: bytes) -> tuple[Ids, Weights]:
    matcher = _postings(reader, field, text)
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


def _phrase_matches(
    reader: Any, field: str, words: tuple[bytes, ...], candidates: Ids, ids: list[Ids]
) -> tuple[Ids, Weights]:
    """Whoosh's phrase rule (slop 1, in order): word i at position p + i for some p; with the
    number of such p in each document. ids: each word's document numbers, as term() read them
    (the postings' own order, block by block).

    Each (document, p) is one 64-bit number, so the rule is an intersection of sorted arrays
    rather than of a set per document."""
    starts = np.zeros(0, dtype=np.int64)
    wanted = candidates
    for offset, word in enumerate(words):
        places = _places(_postings(reader, field, word), ids[offset], wanted) - offset
        starts = places if offset == 0 else np.intersect1d(starts, places, assume_unique=True)
        wanted = np.unique(starts >> _SHIFT).astype(np.int32)
        if not len(wanted):
            break
    docs, counts = np.unique(starts >> _SHIFT, return_counts=True)
    return docs.astype(np.int32), counts.astype(np.float32)


_SHIFT = 32  # a place is document << _SHIFT | position (positions are far below 2 ** 31)


def _places(matcher: Any, ids: Ids, wanted: Ids) -> NDArray[np.int64]:
    """document << _SHIFT | position for each position of a word in the wanted documents
    (ascending), reading and decoding only the posting blocks that hold some of them. Which
    block holds which documents is known from ids (a block's header gives its length), so no
    other block's data is read."""
    docs: list[int] = []
    deltas: list[int] = []  # Whoosh keeps each document's positions as differences
    sizes: list[int] = []
    if not isinstance(matcher, W3LeafMatcher) or type(matcher.format) is not Positions:
        allowed = set(wanted.tolist())
        while matcher.is_active():
            if matcher.id() in allowed:
                found = matcher.value_as("positions")
                docs.append(matcher.id())
                deltas += [found[0], *np.diff(found).tolist()] if found else []
                sizes.append(len(found))
            matcher.next()
    else:
        where = np.flatnonzero(np.isin(ids, wanted, assume_unique=True)).tolist()
        numbers = ids.tolist()
        start = 0
        at = 0  # the next of `where` to find
        while not matcher._atend and at < len(where):
            end = start + matcher._blocklength
            if where[at] < end:
                stop = bisect_left(where, end, at)
                matcher._read_values()
                values = matcher._values
                for i in where[at:stop]:
                    value = values[i - start]
                    # Positions.decode_positions without its loop: the pickled differences
                    # (Whoosh drops the pickle's final stop code, as its decoder allows for).
                    found = loads(
                        value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b"."
                    )
                    docs.append(numbers[i])
                    deltas += found
                    sizes.append(len(found))
                at = stop
            start = end
            matcher._next_block()
    return _joined(docs, deltas, sizes)


def _joined(docs: list[int], deltas: list[int], sizes: list[int]) -> NDArray[np.int64]:
    """Each document's differences summed into positions, and joined to its number."""
    if not deltas:
        return np.zeros(0, dtype=np.int64)
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    counts = np.array(sizes, dtype=np.int64)
    first = np.cumsum(counts) - counts  # where each document's differences start
    before = np.concatenate(([0], running))[first]  # the sum of every earlier document's
    positions: NDArray[np.int64] = running - np.repeat(before, counts)
    numbers: NDArray[np.int64] = np.repeat(np.array(docs, dtype=np.int64), counts) << _SHIFT
    return numbers | positions
