"""Score a parsed query with whole-array arithmetic over postings kept in memory.

Each node of the query is a few numpy operations over all documents at once, where Whoosh walks
a tree of matchers one document at a time. The scores are Whoosh's own, except where Whoosh is
wrong (its dismax matcher, and coordination counted per segment): docs/benchmarks.md has the
details. Other query shapes (wildcards, NOT, ranges) raise Unsupported: the caller falls back
to Whoosh.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
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

from app.search.postings import WARM_POSTINGS, Floats, Ids, Postings, Segment

MAX_LOOKUPS = 65_536  # words whose whereabouts a searcher remembers


_UNKNOWN = object()


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

    segments: list[Segment]
    parameters: tuple[float, float, float, float] | None  # None: the field is not scored


@dataclass
class Evaluated:
    result: Result | None
    termcount: int  # how many term matchers Whoosh's tree for this node would hold


class Ranker:
    """Evaluates queries against one searcher, with postings from a shared Postings cache.

    Safe to call from several threads at once: every read through the searcher holds `lock`.
    """

    def __init__(
        self,
        searcher: Searcher,
        postings: Postings,
        lock: "threading.RLock | None" = None,
        prune: bool = True,
    ) -> None:
        self.searcher = searcher
        self.postings = postings
        self.lock = lock or threading.RLock()
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        pairs = (
            list(zip(reader.readers, reader.doc_offsets, strict=True))
            if hasattr(reader, "readers")
            else [(reader, 0)]
        )
        self.segments = [
            Segment(r.segment().segment_id(), r, offset, self.lock) for r, offset in pairs
        ]
        # Set and cleared whole without a lock: a dict's single operations are atomic.
        self._found: dict[tuple[str, bytes], Found | None] = {}
        if prune:
            postings.keep_only({segment.id for segment in self.segments})

    def warm(self, fields: Iterable[str], budget: int = WARM_POSTINGS) -> int:
        """Read field lengths and the commonest words' postings; return how many postings."""
        return self.postings.warm(self.segments, fields, budget)

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
        known = self._found.get(key, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        found: Found | None = None
        with self.lock:
            segments = [segment for segment in self.segments if key in segment.reader]
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
        for segment in found.segments:
            ids, frequencies = self.postings.term(segment, field, text)
            if found.parameters is None:
                scores = np.zeros(len(ids))
            else:
                weights = frequencies.astype(np.float64)
                lengths = self.postings.lengths(segment, field)[ids]
                idf, avgfl, b, k1 = found.parameters
                scores = idf * (
                    (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl))
                )
            all_ids.append(ids + segment.offset)
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
        holding = set.intersection(*({s.id for s in where.segments} for where in located if where))
        matched: list[Ids] = []
        for segment in self.segments:
            if segment.id not in holding:
                continue
            lists = [self.postings.term(segment, field, w)[0] for w in words]
            candidates = lists[0]
            for ids in lists[1:]:
                candidates = np.intersect1d(candidates, ids, assume_unique=True)
            if len(candidates):
                found = self.postings.phrase(segment, field, words, candidates)
                matched.append(found + segment.offset)
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
