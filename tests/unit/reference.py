"""A slow, plain reference for the ranker's own node types: BM25F across fields, the typed word
with its alternatives, minimum-should-match, common words, NOT, bounded wildcards.

Document by document, in Python dicts, from Whoosh's public reader API (postings, positions,
field lengths, the lexicon): nothing shared with the ranker's arrays or caches, so the two
agreeing means the arithmetic is right, not that one bug appears twice.
"""

import math
from typing import Any

from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    ConstantScoreQuery,
    DisjunctionMax,
    Not,
    NullQuery,
    Or,
    Query,
    Term,
)
from whoosh.searching import Searcher

from app.search import bm25f
from app.search.nodes import Across, Either, Pattern

Scores = dict[int, float]


class Reference:
    def __init__(self, searcher: Searcher) -> None:
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.size = self.reader.doc_count_all()
        # What is read from the reader is kept: one reference serves every query of a searcher.
        self._means: dict[str, float] = {}
        self._lengths: dict[str, list[float]] = {}
        self._holding: dict[tuple[str, str], set[int]] = {}
        self._counts: dict[tuple[str, tuple[str, ...]], dict[int, int]] = {}

    def evaluate(self, query: Query) -> Scores:
        kind = type(query)
        if query is NullQuery:
            return {}
        if kind is Across:
            return self.across(query)
        if kind is Pattern:
            return self.evaluate(
                DisjunctionMax([Across((w,), query.fields) for w in self.expand(query)])
            )
        if kind is Term:  # an unscored tag (the age lift's): matches only
            return {d: 0.0 for d in self._docs(query.fieldname, query.text)}
        if kind is ConstantScoreQuery:
            return {d: query.score for d in self.evaluate(query.child)}
        if kind is AndMaybe:
            a, b = self.evaluate(query.a), self.evaluate(query.b)
            return {d: s + b.get(d, 0.0) for d, s in a.items()}
        if kind is AndNot:
            return self.evaluate(And([query.a, Not(query.b)]))
        if kind is Not:
            return self.evaluate(And([query]))
        return self.group(query)

    def group(self, query: Any) -> Scores:
        kind = type(query)
        positive = [q for q in query.subqueries if type(q) is not Not]
        excluded: set[int] = set()
        for q in query.subqueries:
            if type(q) is Not:
                excluded |= set(self.evaluate(q.query))
        if len(positive) == 1 and not excluded and kind is not Either:
            return self.evaluate(positive[0])  # as Whoosh: a lone child, the group's boost unused
        results = [self.evaluate(q) for q in positive]
        if not positive:
            found: Scores = {d: 0.0 for d in range(self.size)}
        elif kind is And:
            docs = set.intersection(*(set(r) for r in results))
            found = {d: sum(r[d] for r in results) for d in docs}
        elif kind is DisjunctionMax:
            docs = set().union(*results)
            found = {d: max(r[d] for r in results if d in r) for d in docs}
        else:  # Or, Either
            minimum = getattr(query, "minmatch", 0) if kind is Or else 0
            docs = {d for d in set().union(*results) if sum(d in r for r in results) >= minimum}
            common = getattr(query, "common", 0) if kind is Or else 0
            rare = [set(r) for r in results if 0 < len(r) <= common * self.size]
            if rare:  # a clause in more documents than that matches only beside a rarer one
                docs &= set().union(*rare)
            found = {d: sum(r.get(d, 0.0) for r in results) for d in docs}
        boost = query.boost if positive else 1.0
        return {d: s * boost for d, s in found.items() if d not in excluded}

    def across(self, query: Across) -> Scores:
        fields = {f: w for f, w in query.fields.items() if f in self.schema}
        tf: dict[int, float] = {}
        for field, weight in fields.items():
            mean = self._mean(field)
            for doc, count in self._occurrences(field, query.words).items():
                norm = (1 - bm25f.B) + bm25f.B * self._length(doc, field) / mean
                tf[doc] = tf.get(doc, 0.0) + weight * count / norm
        idf = 0.0
        for word in query.words:
            holding = set().union(*(self._docs(f, word) for f in fields))
            idf += math.log(1 + (self.size - len(holding) + 0.5) / (len(holding) + 0.5))
        if len(query.words) > 1 and bm25f.PHRASE_OWN_IDF:  # a phrase: at least its own idf
            idf = max(idf, math.log(1 + (self.size - len(tf) + 0.5) / (len(tf) + 0.5)))
        k1 = bm25f.K1
        return {d: query.boost * idf * t * (k1 + 1) / (t + k1) for d, t in tf.items()}

    def expand(self, query: Pattern) -> list[str]:
        counts: dict[str, int] = {}
        for part in query.subqueries:
            for text in part._btexts(self.reader):
                word = text.decode() if isinstance(text, bytes) else text
                counts[word] = max(
                    counts.get(word, 0), self.reader.doc_frequency(part.fieldname, text)
                )
        return sorted(counts, key=lambda w: (-counts[w], w))[: query.limit]

    def _mean(self, field: str) -> float:
        if field not in self._means:
            total = sum(self._length(d, field) for d in range(self.size))
            self._means[field] = total / self.size or 1.0
        return self._means[field]

    def _docs(self, field: str, word: str) -> set[int]:
        if (field, word) not in self._holding:
            found = set()
            if (field, word) in self.reader:
                found = set(self.reader.postings(field, word).all_ids())
            self._holding[field, word] = found
        return self._holding[field, word]

    def _length(self, doc: int, field: str) -> float:
        if field not in self._lengths:
            self._lengths[field] = [
                float(self.reader.doc_field_length(d, field, 0) or 0) for d in range(self.size)
            ]
        return self._lengths[field][doc]

    def _occurrences(self, field: str, words: tuple[str, ...]) -> dict[int, int]:
        """How often the words occur one after another in each document's field."""
        if (field, words) not in self._counts:
            self._counts[field, words] = self._count(field, words)
        return self._counts[field, words]

    def _count(self, field: str, words: tuple[str, ...]) -> dict[int, int]:
        positions: list[dict[int, set[int]]] = []
        for word in words:
            if (field, word) not in self.reader:
                return {}
            found = {}
            matcher = self.reader.postings(field, word)
            while matcher.is_active():
                found[matcher.id()] = set(matcher.value_as("positions"))
                matcher.next()
            positions.append(found)
        counts = {}
        for doc, starts in positions[0].items():
            kept = {
                p for p in starts if all(p + i in w.get(doc, ()) for i, w in enumerate(positions))
            }
            if kept:
                counts[doc] = len(kept)
        return counts
