"""Score a parsed query with whole-array arithmetic over postings kept in memory.

Each node of the query is a few numpy operations over all documents at once, where Whoosh walks
a tree of matchers one document at a time. Words and phrases across the text fields (`Across`)
are scored by BM25F (bm25f.py); Whoosh's own node types score as Whoosh scores them, except
where Whoosh is wrong (its dismax matcher, and coordination counted per segment):
docs/benchmarks.md has the details. NOT excludes, as it does in other engines (Whoosh ORs it),
and the OR of the words typed does not match on its common words alone (query.Tuning's
common_share), which Whoosh has no notion of. A wildcard stands for at most its `limit`
commonest words. Other query shapes (ranges, phrases with slop) raise Unsupported: the caller
falls back to Whoosh.
"""

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    ConstantScoreQuery,
    DisjunctionMax,
    Not,
    NullQuery,
    Or,
    Phrase,
    Query,
    Term,
)
from whoosh.searching import Searcher

from app.search import arrays
from app.search.arrays import Dense, Result, Sparse
from app.search.bm25f import FieldScorer
from app.search.nodes import Across, Either, Pattern
from app.search.postings import WARM_PLACES, WARM_POSTINGS, Postings, Segment, content_id
from app.search.terms import FieldTerms

__all__ = ["Dense", "Ranker", "Unsupported", "top"]

# Wildcards whose expansions a searcher remembers, and the longest remembered: at most 16 words
# each, about 8 MB in all whatever clients send (issue #15).
MAX_EXPANDED = 4_096
MAX_PATTERN_CHARS = 64
MAX_SCANNED = 2_000  # words of the lexicon a wildcard may look at, per field
top = arrays.top


class Unsupported(Exception):
    """The query has a shape this module does not evaluate."""


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
        # An index with no documents yet reads as one empty reader without a segment.
        self.segments = [
            Segment(content_id(r), r, offset, self.lock)
            for r, offset in pairs
            if r.segment() is not None
        ]
        # Set and cleared whole without a lock: a dict's single operations are atomic.
        self._expanded: dict[tuple[str, int], list[str]] = {}
        self.fields = FieldScorer(self.segments, postings, self.size)
        self.terms = FieldTerms(searcher, self.segments, postings, self.size, self.lock)

    def warm(
        self,
        fields: Iterable[str],
        budget: int = WARM_POSTINGS,
        phrases: Iterable[tuple[str, ...]] = (),
    ) -> int:
        """Read field lengths, the commonest words' postings and places, and where each of
        the phrases occurs in each field, unless the postings were read ahead so for these
        segments already; return how many postings were read."""
        names = [name for name in fields if name in self.searcher.schema]
        phrases = tuple(phrases)
        if not self.postings.first_warm(self.segments, (tuple(names), budget, phrases)):
            return 0
        read = self.postings.warm(self.segments, names, budget)
        self.postings.warm_places(self.segments, names, WARM_PLACES)
        weights = dict.fromkeys(names, 1.0)
        for words in phrases:
            some = self.searcher.schema[names[0]]
            self.fields.occurrences(tuple(some.to_bytes(w) for w in words), weights)
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
        if kind is Across:
            return self._across(query)
        if kind is Pattern:
            return self._pattern(query)
        if kind is Term:
            return self._term(query)
        if kind is Phrase:
            return self._phrase(query)
        if kind in (Or, DisjunctionMax, And, Either):
            return self._compound(query)
        if kind is Not:
            return self._compound(And([query]))
        if kind is AndNot:
            return self._compound(And([query.a, Not(query.b)]))
        if kind is AndMaybe:
            return self._and_maybe(query)
        if kind is ConstantScoreQuery:
            return self._constant(query)
        raise Unsupported(kind.__name__)

    def _across(self, query: Across) -> Evaluated:
        schema = self.searcher.schema
        fields = {name: w for name, w in query.fields.items() if name in schema}
        if not fields:
            return Evaluated(None, 0)
        some = schema[next(iter(fields))]
        words = tuple(some.to_bytes(word) for word in query.words)
        ids, scores = self.fields.score(words, fields)
        if not len(ids):
            return Evaluated(None, 1)
        if query.boost != 1.0:
            scores = scores * query.boost
        return Evaluated(Sparse(ids, scores), 1)

    def finds(self, query: Across) -> bool:
        """Whether any document holds the word or phrase (deleted ones included)."""
        schema = self.searcher.schema
        fields = {name: w for name, w in query.fields.items() if name in schema}
        if not fields:
            return False
        words = tuple(schema[next(iter(fields))].to_bytes(word) for word in query.words)
        return bool(len(self.fields.score(words, fields)[0]))

    def _pattern(self, query: Pattern) -> Evaluated:
        words = self.expand(query)
        if not words:
            return Evaluated(None, 0)
        best = [Across((word,), query.fields) for word in words]
        return self._compound(DisjunctionMax(best, boost=query.boost))

    def expand(self, query: Pattern) -> list[str]:
        """The commonest words of the index a wildcard matches, at most query.limit of them,
        having looked at no more than MAX_SCANNED words per field."""
        key = (query.text, query.limit)
        found = self._expanded.get(key)
        if found is not None:
            return found
        counts: dict[str, int] = {}
        with self.lock:
            reader = self.searcher.reader()
            for part in query.subqueries:
                if part.fieldname not in self.searcher.schema:
                    continue
                for text in itertools.islice(part._btexts(reader), MAX_SCANNED):
                    word = text.decode("utf-8") if isinstance(text, bytes) else text
                    count = reader.doc_frequency(part.fieldname, text)
                    counts[word] = max(counts.get(word, 0), count)
        found = sorted(counts, key=lambda w: (-counts[w], w))[: query.limit]
        if len(query.text) <= MAX_PATTERN_CHARS:
            if len(self._expanded) >= MAX_EXPANDED:
                self._expanded.clear()
            self._expanded[key] = found
        return found

    def _term(self, query: Term) -> Evaluated:
        ids_scores = self.terms.term(query)
        return Evaluated(None if ids_scores is None else Sparse(*ids_scores), int(bool(ids_scores)))

    def _phrase(self, query: Phrase) -> Evaluated:
        if query.slop != 1:
            raise Unsupported("phrase with slop")
        found = self.terms.phrase(query)
        if found is None:
            return Evaluated(None, 0)
        docs, scores = found
        dense = self._dense(Sparse(docs, scores))
        dense.terms[docs] = len(query.words)
        return Evaluated(dense, len(query.words))

    def _compound(self, query: Any) -> Evaluated:
        subs = [sub for sub in query.subqueries if type(sub) is not Not]
        excluded = [sub.query for sub in query.subqueries if type(sub) is Not]
        if excluded:
            return self._excluding(type(query), subs, excluded, query)
        if not subs:
            return Evaluated(None, 0)
        if len(subs) == 1 and type(query) is not Either:
            return self._eval(subs[0])  # Whoosh uses the child's matcher as it is
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
                part = self._dense(result)
                np.maximum(out.scores, part.scores, out=out.scores)
                out.matched |= part.matched
                out.terms += part.terms
                if total is not None:
                    total += part.scores
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
        minimum = getattr(query, "minmatch", 0)
        if kind is Or and minimum > 1:
            self._at_least(out, present, minimum)
        common = getattr(query, "common", 0)  # QueryBuilder's Tuning.common_share
        if kind is Or and common:
            arrays.keep_rare(out, present, common * self.size)
        scale = getattr(query, "scale", None)
        if kind is Or and scale and termcount:
            self._coordinate(out, termcount, scale)
        return Evaluated(out, termcount)

    def _at_least(self, out: Dense, present: list[Result], minimum: int) -> None:
        """Keep the documents that match `minimum` or more of an OR's clauses."""
        clauses = np.zeros(self.size, dtype=np.int32)
        for result in present:
            if isinstance(result, Sparse):
                clauses[result.ids] += 1
            else:
                clauses += result.matched
        out.matched &= clauses >= minimum
        out.scores[~out.matched] = 0.0
        out.terms[~out.matched] = 0

    def _excluding(self, kind: type, subs: list[Any], excluded: list[Any], query: Any) -> Evaluated:
        """A group with NOT clauses: what the rest matches (everything, if nothing is left),
        less what any NOT clause matches."""
        if subs:
            rest: Any = kind(subs, boost=query.boost) if len(subs) > 1 else subs[0]
            if kind is Or and len(subs) > 1:
                rest.minmatch = query.minmatch
            evaluated = self._eval(rest)
            out = self._dense(evaluated.result)
        else:
            evaluated = Evaluated(None, 0)
            out = self._empty()
            out.matched[:] = True
        for sub in excluded:
            unwanted = self._eval(sub).result
            if unwanted is not None:
                out.matched &= ~self._dense(unwanted).matched
        out.scores[~out.matched] = 0.0
        out.terms[~out.matched] = 0
        return Evaluated(out, evaluated.termcount)

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

    def _empty(self) -> Dense:
        return arrays.empty(self.size)

    def _dense(self, result: Result | None) -> Dense:
        return arrays.dense(result, self.size)

    def _add(self, out: Dense, result: Result, intersect: bool) -> None:
        arrays.add(out, result, intersect)
