"""Score a parsed query with whole-array arithmetic over postings kept in memory.

Whoosh ranks by walking a tree of matchers one document at a time in Python; at 10,000 case
studies a three-word query, with its synonyms, phrase and seven fields, took over 100 ms. Here
each (field, word) is read from a segment once and kept as numpy arrays, and each node of the
query is a few operations over all documents at once.

The scores are Whoosh's own: BM25F per field with Whoosh's idf and average field lengths, query
boosts, the coordination bonus of an OR group with a scale, phrases scored as the sum of their
words, AndMaybe and constant-score lifts. Two deliberate differences: Whoosh's dismax matcher
compares its clauses' scores without checking they are on the same document, where here a
document scores the best of the clauses it matches; and Whoosh counts the terms of the
coordination bonus per segment, where here they are counted over the whole index (the same
thing once a rebuild has written one segment). Query shapes not listed here (wildcards, NOT, ranges)
are not evaluated: the caller falls back to Whoosh for those.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import (
    And,
    AndMaybe,
    ConstantScoreQuery,
    DisjunctionMax,
    NullQuery,
    Or,
    Phrase,
    Query,
    Term,
)
from whoosh.searching import Searcher

Ids = NDArray[np.int32]
Floats = NDArray[np.float64]
Weights = NDArray[np.float32]  # term frequencies: small whole numbers, exact in float32

MAX_POSTINGS = 40_000_000  # about 320 MB of cached postings before the least used are dropped
WARM_POSTINGS = MAX_POSTINGS // 2  # read ahead of the first search: the commonest words
MAX_PHRASES = 4096
MAX_LOOKUPS = 65_536  # words whose whereabouts a searcher remembers


class Unsupported(Exception):
    """The query has a shape this module does not evaluate."""


@dataclass
class Sparse:
    """One term's matches: ascending document numbers and their scores."""

    ids: Ids
    scores: Floats


@dataclass
class Dense:
    """A node's matches over every document: scores, a match mask and matching-term counts."""

    scores: Floats
    matched: NDArray[np.bool_]
    terms: NDArray[np.int32]


Result = Sparse | Dense


@dataclass
class Found:
    """Where a word is, and how Whoosh scores it: (idf, average length, B, K1)."""

    segments: list[tuple[str, Any, int]]  # (segment id, segment reader, first document number)
    parameters: tuple[float, float, float, float] | None  # None: the field is not scored


@dataclass
class Evaluated:
    result: Result | None
    termcount: int  # how many term matchers Whoosh's tree for this node would hold


class Postings:
    """Postings and field lengths per segment, read once and shared by every searcher.

    Segments never change once written (deletions are masked by the caller), so what is read
    from one stays valid until the segment is merged away; keys carry the segment id. Safe to
    share between threads: reading happens outside the lock, bookkeeping inside it.
    """

    def __init__(self, max_postings: int = MAX_POSTINGS) -> None:
        self.max_postings = max_postings
        self.size = 0
        self._lock = threading.Lock()
        self._terms: OrderedDict[tuple[str, str, bytes], tuple[Ids, Weights]] = OrderedDict()
        self._lengths: dict[tuple[str, str], Floats] = {}
        self._phrases: OrderedDict[tuple[str, str, tuple[bytes, ...]], Ids] = OrderedDict()

    def term(self, segment: str, reader: Any, field: str, text: bytes) -> tuple[Ids, Weights]:
        """Document numbers (within the segment) and term frequencies of one word."""
        key = (segment, field, text)
        with self._lock:
            found = self._terms.get(key)
            if found is not None:
                self._terms.move_to_end(key)
                return found
        found = _read_postings(reader, field, text)
        with self._lock:
            if key not in self._terms:
                self._terms[key] = found
                self.size += len(found[0])
            while self.size > self.max_postings and len(self._terms) > 1:
                _, (ids, _weights) = self._terms.popitem(last=False)
                self.size -= len(ids)
        return found

    def holds(self, segment: str, field: str, text: bytes) -> bool:
        with self._lock:
            return (segment, field, text) in self._terms

    def lengths(self, segment: str, reader: Any, field: str) -> Floats:
        """Each document's length in a field, as Whoosh's scorer sees it (byte-quantised)."""
        key = (segment, field)
        with self._lock:
            found = self._lengths.get(key)
        if found is None:
            count = reader.doc_count_all()
            found = np.array(
                [reader.doc_field_length(d, field, 0) or 0 for d in range(count)], dtype=np.float64
            )
            with self._lock:
                self._lengths[key] = found
        return found

    def phrase(
        self, segment: str, reader: Any, field: str, words: tuple[bytes, ...], candidates: Ids
    ) -> Ids:
        """The candidates (within the segment) where the words occur one after another."""
        key = (segment, field, words)
        with self._lock:
            found = self._phrases.get(key)
            if found is not None:
                self._phrases.move_to_end(key)
                return found
        found = _phrase_matches(reader, field, words, candidates)
        with self._lock:
            self._phrases[key] = found
            if len(self._phrases) > MAX_PHRASES:
                self._phrases.popitem(last=False)
        return found

    def keep_only(self, segments: set[str]) -> None:
        """Forget segments that are gone (merged or replaced by a rebuild)."""
        with self._lock:
            for key in [k for k in self._terms if k[0] not in segments]:
                self.size -= len(self._terms.pop(key)[0])
            for length_key in [k for k in self._lengths if k[0] not in segments]:
                del self._lengths[length_key]
            for phrase_key in [k for k in self._phrases if k[0] not in segments]:
                del self._phrases[phrase_key]


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


def _phrase_matches(reader: Any, field: str, words: tuple[bytes, ...], candidates: Ids) -> Ids:
    """Whoosh's phrase rule (slop 1, in order): word i at position p + i for some p."""
    starts: dict[int, set[int]] = {}
    wanted = set(candidates.tolist())
    for offset, word in enumerate(words):
        positions = _positions(_postings(reader, field, word), wanted)
        if offset == 0:
            starts = {doc: set(found) for doc, found in positions.items()}
        else:
            for doc in list(starts):
                kept = starts[doc].intersection(p - offset for p in positions.get(doc, ()))
                if kept:
                    starts[doc] = kept
                else:
                    del starts[doc]
        wanted = set(starts)
        if not wanted:
            break
    return np.array(sorted(starts), dtype=np.int32)


def _positions(matcher: Any, wanted: set[int]) -> dict[int, list[int]]:
    """Positions of a word in the wanted documents, reading (and decoding) only the posting
    blocks that hold some of them."""
    if not isinstance(matcher, W3LeafMatcher):
        found: dict[int, list[int]] = {}
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = matcher.value_as("positions")
            matcher.next()
        return found
    decode = matcher.format.decoder("positions")
    lowest = min(wanted)
    found = {}
    while not matcher._atend:
        if matcher._maxid >= lowest:
            matcher._read_ids()
            ids = matcher._ids
            hits = [i for i, doc in enumerate(ids) if doc in wanted]
            if hits:
                matcher._read_values()
                values = matcher._values
                for i in hits:
                    found[ids[i]] = decode(values[i])
        matcher._next_block()
    return found


class Ranker:
    """Evaluates queries against one searcher, with postings from a shared Postings cache."""

    def __init__(self, searcher: Searcher, postings: Postings, prune: bool = True) -> None:
        self.searcher = searcher
        self.postings = postings
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        pairs = (
            list(zip(reader.readers, reader.doc_offsets, strict=True))
            if hasattr(reader, "readers")
            else [(reader, 0)]
        )
        self.segments = [(r.segment().segment_id(), r, offset) for r, offset in pairs]
        self._found: dict[tuple[str, bytes], Found | None] = {}
        if prune:
            postings.keep_only({segment for segment, _, _ in self.segments})

    def warm(self, fields: Iterable[str], budget: int = WARM_POSTINGS) -> int:
        """Read field lengths and the commonest words' postings; return how many postings."""
        read = 0
        for segment, reader, _offset in self.segments:
            words: list[tuple[int, str, bytes]] = []
            for field in fields:
                if field not in reader.schema or not reader.schema[field].scorable:
                    continue
                self.postings.lengths(segment, reader, field)
                words += [
                    (-info.doc_frequency(), field, text) for text, info in reader.iter_field(field)
                ]
            for negative_frequency, field, text in sorted(words):
                if read - negative_frequency > budget // len(self.segments):
                    break
                if not self.postings.holds(segment, field, text):
                    self.postings.term(segment, reader, field, text)
                read -= negative_frequency
        return read

    def evaluate(self, query: Query) -> Dense:
        """Scores and matches of every document; raises Unsupported for other query shapes."""
        evaluated = self._eval(query)
        return self._dense(evaluated.result)

    # -- nodes ------------------------------------------------------------------------------

    def _eval(self, query: Query) -> Evaluated:
        kind = type(query)
        if query is NullQuery:
            return Evaluated(None, 0)
        if kind is Term:
            return self._term(query)
        if kind is Phrase:
            return self._phrase(query)
        if kind in (Or, DisjunctionMax, And):
            return self._compound(query)
        if kind is AndMaybe:
            return self._and_maybe(query)
        if kind is ConstantScoreQuery:
            return self._constant(query)
        raise Unsupported(kind.__name__)

    def _term(self, query: Term) -> Evaluated:
        schema = self.searcher.schema
        if query.fieldname not in schema:
            return Evaluated(None, 0)
        text = schema[query.fieldname].to_bytes(query.text)
        if self._lookup(query.fieldname, text) is None:
            return Evaluated(None, 0)
        ids, scores = self._word(query.fieldname, text)
        if query.boost != 1.0:
            scores = scores * query.boost
        return Evaluated(Sparse(ids, scores), 1)

    def _lookup(self, field: str, text: bytes) -> Found | None:
        """Which segments hold a word, and Whoosh's BM25F parameters for it (None if no
        segment does). Asking Whoosh reads its term tables from disk each time: about a
        quarter of a search at 10k, before this was kept per searcher."""
        key = (field, text)
        if key in self._found:
            return self._found[key]
        segments = [entry for entry in self.segments if key in entry[1]]
        found: Found | None = None
        if segments:
            parameters = None
            if self.searcher.schema[field].scorable:
                scorer = self.searcher.weighting.scorer(self.searcher, field, text)
                parameters = (scorer.idf, scorer.avgfl, scorer.B, scorer.K1)
            found = Found(segments, parameters)
        if len(self._found) >= MAX_LOOKUPS:
            self._found.clear()
        self._found[key] = found
        return found

    def _word(self, field: str, text: bytes) -> tuple[Ids, Floats]:
        """BM25F scores of one word in one field, computed exactly as Whoosh's scorer does."""
        found = self._lookup(field, text)
        if found is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        all_ids: list[Ids] = []
        all_scores: list[Floats] = []
        for segment, reader, offset in found.segments:
            ids, frequencies = self.postings.term(segment, reader, field, text)
            if found.parameters is None:
                scores = np.zeros(len(ids))
            else:
                weights = frequencies.astype(np.float64)
                lengths = self.postings.lengths(segment, reader, field)[ids]
                idf, avgfl, b, k1 = found.parameters
                scores = idf * (
                    (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl))
                )
            all_ids.append(ids + offset)
            all_scores.append(scores)
        if len(all_ids) == 1:
            return all_ids[0], all_scores[0]
        return np.concatenate(all_ids), np.concatenate(all_scores)

    def _phrase(self, query: Phrase) -> Evaluated:
        field = query.fieldname
        if query.slop != 1:
            raise Unsupported("phrase with slop")
        schema = self.searcher.schema
        if field not in schema:
            return Evaluated(None, 0)
        words = tuple(schema[field].to_bytes(w) for w in query.words)
        located = [self._lookup(field, w) for w in words]
        if not words or any(where is None for where in located):
            return Evaluated(None, 0)
        holding = set.intersection(*({s[0] for s in where.segments} for where in located if where))
        matched: list[Ids] = []
        for segment, segment_reader, offset in self.segments:
            if segment not in holding:
                continue
            lists = [self.postings.term(segment, segment_reader, field, w)[0] for w in words]
            candidates = lists[0]
            for ids in lists[1:]:
                candidates = np.intersect1d(candidates, ids, assume_unique=True)
            if len(candidates):
                found = self.postings.phrase(segment, segment_reader, field, words, candidates)
                matched.append(found + offset)
        docs = np.concatenate(matched) if matched else np.zeros(0, dtype=np.int32)
        # The phrase's score is the sum of its words' scores, as in Whoosh's intersection.
        total = np.zeros(self.size)
        for word in words:
            ids, scores = self._word(field, word)
            total[ids] += scores
        scores = total[docs]
        if query.boost != 1.0:
            scores = scores * query.boost
        dense = self._dense(Sparse(docs, scores))
        dense.terms[docs] = len(words)
        return Evaluated(dense, len(words))

    def _compound(self, query: Any) -> Evaluated:
        subs = query.subqueries
        if not subs:
            return Evaluated(None, 0)
        if len(subs) == 1:  # Whoosh uses the child's matcher as it is: no boost, no scale
            return self._eval(subs[0])
        children = [self._eval(sub) for sub in subs]
        termcount = sum(child.termcount for child in children)
        kind = type(query)
        present = [child.result for child in children if child.result is not None]
        if kind is And and len(present) < len(children):
            return Evaluated(None, termcount)
        if not present:
            return Evaluated(None, termcount)
        out = self._empty()
        if kind is DisjunctionMax:
            total = np.zeros(self.size) if query.tiebreak else None
            for result in present:
                dense = self._dense(result)
                np.maximum(out.scores, dense.scores, out=out.scores)
                out.matched |= dense.matched
                out.terms += dense.terms
                if total is not None:
                    total += dense.scores
            if total is not None:  # the best clause, plus a share of the others
                out.scores += query.tiebreak * (total - out.scores)
        else:
            if kind is And:
                out.matched[:] = True
            for result in present:
                self._add(out, result, intersect=kind is And)
            if kind is And:
                out.scores[~out.matched] = 0.0
                out.terms[~out.matched] = 0
        if query.boost != 1.0:
            out.scores *= query.boost
        scale = getattr(query, "scale", None)
        if kind is Or and scale and termcount:
            self._coordinate(out, termcount, scale)
        return Evaluated(out, termcount)

    def _coordinate(self, out: Dense, termcount: int, scale: float) -> None:
        """Whoosh's CoordMatcher ("SQR"): reward documents that match more of the terms."""
        if termcount == scale:
            out.scores[:] = 0.0
            return
        matched = out.matched
        bonus = (out.terms[matched] - 1) / (termcount - scale) ** 2
        out.scores[matched] = (out.scores[matched] + bonus) * ((termcount - 1) / termcount)

    def _and_maybe(self, query: AndMaybe) -> Evaluated:
        required, optional = self._eval(query.a), self._eval(query.b)
        termcount = required.termcount + optional.termcount
        if required.result is None:
            return Evaluated(None, termcount)
        out = self._dense(required.result)
        if optional.result is not None:
            extra = self._dense(optional.result)
            both = out.matched & extra.matched
            out.scores[both] += extra.scores[both]
            out.terms[both] += extra.terms[both]
        return Evaluated(out, termcount)

    def _constant(self, query: ConstantScoreQuery) -> Evaluated:
        inner = self._eval(query.child)
        if inner.result is None:
            return Evaluated(None, inner.termcount)
        out = self._dense(inner.result)
        out.scores[out.matched] = query.score
        return Evaluated(out, inner.termcount)

    # -- arrays -----------------------------------------------------------------------------

    def _empty(self) -> Dense:
        return Dense(
            np.zeros(self.size),
            np.zeros(self.size, dtype=np.bool_),
            np.zeros(self.size, dtype=np.int32),
        )

    def _dense(self, result: Result | None) -> Dense:
        if isinstance(result, Dense):
            return result
        out = self._empty()
        if result is not None:
            self._add(out, result, intersect=False)
        return out

    def _add(self, out: Dense, result: Result, intersect: bool) -> None:
        if isinstance(result, Sparse):
            out.scores[result.ids] += result.scores
            out.terms[result.ids] += 1
            if intersect:
                mask = np.zeros(self.size, dtype=np.bool_)
                mask[result.ids] = True
                out.matched &= mask
            else:
                out.matched[result.ids] = True
        else:
            out.scores += result.scores
            out.terms += result.terms
            if intersect:
                out.matched &= result.matched
            else:
                out.matched |= result.matched


def top(scores: Floats, allowed: NDArray[np.bool_], count: int) -> list[int]:
    """The best `count` allowed documents, by score and then document number (Whoosh's order)."""
    candidates = np.flatnonzero(allowed)
    if count <= 0 or not len(candidates):
        return []
    values = scores[candidates]
    if len(candidates) > count:
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        keep = values >= threshold
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:count]
    return [int(d) for d in candidates[order]]


def to_mask(found: int, size: int) -> NDArray[np.bool_]:
    """A Python-int document set as a boolean array of `size` documents."""
    data = np.frombuffer(found.to_bytes((size + 7) // 8 or 1, "little"), dtype=np.uint8)
    return np.unpackbits(data, bitorder="little")[:size].astype(np.bool_)


def to_bits(mask: NDArray[np.bool_]) -> int:
    """A boolean array as a Python-int document set."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")
