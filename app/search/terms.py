"""One word or phrase in one field, scored exactly as Whoosh's BM25F scorer scores it (the
ranker's Whoosh-compatible leaves; `Across` words are scored by bm25f.py instead)."""

import threading
from dataclasses import dataclass

import numpy as np
from whoosh.query import Phrase, Term
from whoosh.searching import Searcher

from app.search.postings import Floats, Ids, Postings, Segment

MAX_LOOKUPS = 65_536  # words whose whereabouts a searcher remembers

_UNKNOWN = object()


@dataclass
class Found:
    """Where a word is, and how Whoosh scores it: (idf, average length, B, K1)."""

    segments: list[Segment]
    parameters: tuple[float, float, float, float] | None  # None: the field is not scored


class FieldTerms:
    """Per-searcher look-ups and scores of single-field words and phrases."""

    def __init__(
        self,
        searcher: Searcher,
        segments: list[Segment],
        postings: Postings,
        size: int,
        lock: threading.RLock,
    ) -> None:
        self.searcher = searcher
        self.lock = lock
        self.segments = segments
        self.postings = postings
        self.size = size
        # Set and cleared whole without a lock: a dict's single operations are atomic.
        self._found: dict[tuple[str, bytes], Found | None] = {}

    def term(self, query: Term) -> tuple[Ids, Floats] | None:
        """The documents holding the word and their scores (boost applied), or None."""
        schema = self.searcher.schema
        if query.fieldname not in schema:
            return None
        text = schema[query.fieldname].to_bytes(query.text)
        if self.lookup(query.fieldname, text) is None:
            return None
        ids, scores = self.word(query.fieldname, text)
        if query.boost != 1.0:
            scores = scores * query.boost
        return ids, scores

    def lookup(self, field: str, text: bytes) -> Found | None:
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

    def word(self, field: str, text: bytes) -> tuple[Ids, Floats]:
        """BM25F scores of one word in one field, computed exactly as Whoosh's scorer does."""
        found = self.lookup(field, text)
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

    def phrase(self, query: Phrase) -> tuple[Ids, Floats] | None:
        """The documents holding the phrase (slop 1) and their scores, as the sum of its
        words' scores (Whoosh's intersection), boost applied; None if no document can."""
        field = query.fieldname
        schema = self.searcher.schema
        if field not in schema:
            return None
        words = tuple(schema[field].to_bytes(w) for w in query.words)
        located = [self.lookup(field, w) for w in words]
        if not words or any(where is None for where in located):
            return None
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
                found, _counts = self.postings.phrase(segment, field, words, candidates)
                matched.append(found + segment.offset)
        docs = np.concatenate(matched) if matched else np.zeros(0, dtype=np.int32)
        # The phrase's score is the sum of its words' scores, as in Whoosh's intersection.
        total = np.zeros(self.size)
        for word in words:
            ids, scores = self.word(field, word)
            total[ids] += scores
        scores = total[docs]
        if query.boost != 1.0:
            scores = scores * query.boost
        return docs, scores
