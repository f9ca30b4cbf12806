"""Where a word stands in each document, read from Whoosh's posting blocks, and the phrase rule
over those places.

A place is one 64-bit number, document << SHIFT | position, so a word's places in a segment
are one sorted array and a phrase is an intersection of such arrays. Postings (postings.py)
keeps the commonest words' places whole, read ahead of the first search: a phrase of common
words ("young people", 4,900 candidates in each half of a 10k body field) is then a few numpy
operations instead of a pickle load per candidate and word.
"""

from bisect import bisect_left
from pickle import loads
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE

from app.search import building

Ids = NDArray[np.int32]
Places = NDArray[np.int64]
Weights = NDArray[np.float32]

SHIFT = 32  # a place is document << SHIFT | position (positions are far below 2 ** 31)
_POSITION = (1 << SHIFT) - 1
# Formats whose values are Whoosh's Positions encoding, decoded here without Whoosh (not its
# subclasses in general: Characters adds the characters).
ENCODED_AS_WHOOSH = (Positions, building.Positions)


def postings(reader: Any, field: str, text: bytes) -> Any:
    """A segment's postings for a word, deleted documents included (the caller masks them):
    what is cached must not depend on when it was read."""
    matcher = reader.postings(field, text)
    if not isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "child"):
        matcher = matcher.child  # inside Whoosh's filter that skips deleted documents,
        matcher.reset()  # which has already moved it past the first deleted ones
    return matcher


def phrase_matches(
    reader: Any,
    field: str,
    words: tuple[bytes, ...],
    candidates: Ids,
    ids: list[Ids],
    known: list[Places | None],
) -> tuple[Ids, Weights]:
    """Whoosh's phrase rule (slop 1, in order): word i at position p + i for some p; with the
    number of such p in each document. ids: each word's document numbers, as term() read them
    (the postings' own order, block by block); known: each word's places in every document
    where they were read ahead (None where not: those are read for the candidates only)."""
    starts = np.zeros(0, dtype=np.int64)
    wanted = candidates
    # The rule is an intersection, so its order is free: the words read ahead first, as they
    # cost nothing to read, and they narrow the documents whose positions must be read.
    order = sorted(range(len(words)), key=lambda offset: known[offset] is None)
    for step, offset in enumerate(order):
        whole = known[offset]
        if whole is None:
            places = read_places(postings(reader, field, words[offset]), ids[offset], wanted)
        else:
            places = within(whole, wanted)
        # Where the phrase would start; a place too near the document's start is no start
        # (kept, it would read as the end of the document before).
        places = places[(places & _POSITION) >= offset] - offset
        starts = places if step == 0 else common(starts, places)
        wanted = runs(starts >> SHIFT)[0].astype(np.int32)
        if not len(wanted):
            break
    docs, counts = runs(starts >> SHIFT)
    return docs.astype(np.int32), counts.astype(np.float32)


# Places are sorted and distinct (a document's positions ascend, documents ascend), so the
# steps below are searches and neighbour comparisons, not np.isin / intersect1d / unique, which
# sort what is already sorted (docs/benchmarks.md, 1 December).


def within(places: Places, wanted: Ids) -> Places:
    """The places in the wanted documents (both ascending)."""
    numbers = wanted.astype(np.int64) << SHIFT
    first = np.searchsorted(places, numbers)
    sizes = np.searchsorted(places, numbers + (1 << SHIFT)) - first
    total = int(sizes.sum())
    if not total:
        return places[:0]
    # Each kept place's index: its document's first index plus its rank within the document.
    rank = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    kept: Places = places[np.repeat(first, sizes) + rank]
    return kept


def common(one: Places, other: Places) -> Places:
    """The places in both (each ascending and distinct)."""
    if len(one) > len(other):
        one, other = other, one
    if not len(one):
        return one
    at = np.searchsorted(other, one)
    at[at == len(other)] = 0
    both: Places = one[other[at] == one]
    return both


def runs(values: Places) -> tuple[Places, Places]:
    """Each distinct value of an ascending array and how many times it occurs."""
    if not len(values):
        return values, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[first], np.diff(np.append(first, len(values)))


def read_places(matcher: Any, ids: Ids, wanted: Ids) -> Places:
    """document << SHIFT | position for each position of a word in the wanted documents
    (ascending), reading and decoding only the posting blocks that hold some of them. Which
    block holds which documents is known from ids (a block's header gives its length), so no
    other block's data is read."""
    docs: list[int] = []
    deltas: list[int] = []  # Whoosh keeps each document's positions as differences
    sizes: list[int] = []
    if not isinstance(matcher, W3LeafMatcher) or type(matcher.format) not in ENCODED_AS_WHOOSH:
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


def _joined(docs: list[int], deltas: list[int], sizes: list[int]) -> Places:
    """Each document's differences summed into positions, and joined to its number."""
    if not deltas:
        return np.zeros(0, dtype=np.int64)
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    counts = np.array(sizes, dtype=np.int64)
    first = np.cumsum(counts) - counts  # where each document's differences start
    before = np.concatenate(([0], running))[first]  # the sum of every earlier document's
    positions: Places = running - np.repeat(before, counts)
    numbers: Places = np.repeat(np.array(docs, dtype=np.int64), counts) << SHIFT
    return numbers | positions
