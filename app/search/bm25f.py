"""BM25F: one word's (or phrase's) frequencies in each field, weighted and length-normalised,
added up across the fields, then saturated once.

Scoring each field on its own and adding the scores (what Whoosh does) lets a word that fills
a long body outrank one in the title, and counts a word found in four fields four times over.
BM25F treats the fields as one document whose title counts more (Robertson, Zaragoza and Taylor,
"Simple BM25 extension to multiple weighted fields", 2004):

    tf'(d) = sum over fields f of  weight_f * tf_f(d) / (1 - B + B * length_f(d) / mean_f)
    score  = idf * tf' * (K1 + 1) / (tf' + K1)

with idf = ln(1 + (N - n + 0.5) / (n + 0.5)), n the documents holding the word in any field.
A phrase's idf is the sum of its words', or its own (n the documents holding the phrase) if
that is larger: "early help" and "children's homes" are rarer than two common words that
happen to be found together would be (docs/relevance.md).
"""

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from cachetools import LRUCache

from app.search.postings import Floats, Ids, Postings, Segment

K1 = 2.0  # measured: 1.2 gave 0.011 less nDCG@10 (docs/relevance.md)
B = 0.75
PHRASE_OWN_IDF = True  # a phrase's idf is at least its own (False: its words' sum alone)
MAX_KEPT = 65_536  # words whose document counts a scorer remembers
MAX_SCORES = 2_000_000  # scored documents a scorer remembers (about 24 MB), least used dropped


@dataclass
class Frequencies:
    """Where a word or phrase occurs in one field: document numbers (over all segments, in
    ascending order) and how often."""

    ids: Ids
    counts: Floats


class FieldStatistics:
    """Per-searcher statistics for BM25F: each field's length norms, each word's idf.

    Thread-safe in the way the ranker's caches are: dicts set and cleared whole.
    """

    def __init__(self, segments: list[Segment], postings: Postings, size: int) -> None:
        self.segments = segments
        self.postings = postings
        self.size = size
        self._norms: dict[str, Floats] = {}
        self._idf: dict[tuple[bytes, tuple[str, ...]], float] = {}

    def norms(self, field: str) -> Floats:
        """1 - B + B * length / mean length, for every document."""
        found = self._norms.get(field)
        if found is None:
            parts = [self.postings.lengths(segment, field) for segment in self.segments]
            lengths = np.concatenate(parts) if parts else np.zeros(0)
            mean = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
            found = (1 - B) + B * lengths / mean
            self._norms[field] = found
        return found

    def idf(self, key: tuple[bytes, tuple[str, ...]], holding: int) -> float:
        """The idf of a word that `holding` documents contain in the fields (remembered per
        word and fields)."""
        known = idf_of(self.size, holding)
        if len(self._idf) >= MAX_KEPT:
            self._idf.clear()
        self._idf[key] = known
        return known

    def known_idf(self, key: tuple[bytes, tuple[str, ...]]) -> float | None:
        return self._idf.get(key)


def idf_of(size: int, holding: int) -> float:
    """BM25's idf of a word or phrase that `holding` of `size` documents contain."""
    return math.log(1 + (size - holding + 0.5) / (holding + 0.5))


def combine(
    occurrences: dict[str, Frequencies], weights: dict[str, float], norms: dict[str, Floats]
) -> tuple[Ids, Floats]:
    """The documents holding a word in any field, and tf' for each (see the module's formula)."""
    size = next(iter(norms.values())).shape[0] if norms else 0
    tf = np.zeros(size)
    present = np.zeros(size, dtype=np.bool_)
    for field, found in occurrences.items():
        if not len(found.ids):
            continue
        tf[found.ids] += weights[field] * found.counts / norms[field][found.ids]
        present[found.ids] = True
    ids = np.flatnonzero(present).astype(np.int32)
    return ids, tf[ids]


def _entries(entry: tuple[Ids, Floats]) -> int:
    return max(len(entry[0]), 1)


def saturate(tf: Floats, idf: float) -> Floats:
    return idf * tf * (K1 + 1) / (tf + K1)


class FieldScorer:
    """Scores `Across` words and phrases over one searcher's segments by BM25F."""

    def __init__(self, segments: list[Segment], postings: Postings, size: int) -> None:
        self.segments = segments
        self.postings = postings
        self.size = size
        self.statistics = FieldStatistics(segments, postings, size)
        self._where: dict[tuple[str, bytes], list[Segment]] = {}
        self._lock = threading.Lock()
        self._scores: LRUCache[tuple[Any, ...], tuple[Ids, Floats]] = LRUCache(
            MAX_SCORES, getsizeof=_entries
        )

    def holding(self, field: str, text: bytes) -> list[Segment]:
        """The segments whose field holds a word (remembered per searcher)."""
        key = (field, text)
        found = self._where.get(key)
        if found is None:
            found = []
            for segment in self.segments:
                with segment.lock:
                    if key in segment.reader:
                        found.append(segment)
            if len(self._where) >= MAX_KEPT:
                self._where.clear()
            self._where[key] = found
        return found

    def frequencies(self, field: str, words: tuple[bytes, ...]) -> Frequencies:
        """Where a word, or the words one after another, occur in a field, and how often."""
        # Stopped at the first word no segment holds: a phrase missing from a field (most of the
        # thesaurus's, read ahead at each start) costs one lexicon look-up, not one per word.
        holding: set[str] | None = None
        for word in words:
            where = {s.id for s in self.holding(field, word)}
            holding = where if holding is None else holding & where
            if not holding:
                return Frequencies(np.zeros(0, dtype=np.int32), np.zeros(0))
        if holding is None:  # no words
            return Frequencies(np.zeros(0, dtype=np.int32), np.zeros(0))
        all_ids: list[Ids] = []
        all_counts: list[Floats] = []
        for segment in self.segments:
            if segment.id not in holding:
                continue
            if len(words) == 1:
                ids, counts = self.postings.term(segment, field, words[0])
            else:
                candidates = self.postings.term(segment, field, words[0])[0]
                for word in words[1:]:  # the rest read only while some document is left
                    more = self.postings.term(segment, field, word)[0]
                    candidates = np.intersect1d(candidates, more, assume_unique=True)
                    if not len(candidates):
                        break
                if not len(candidates):
                    continue
                ids, counts = self.postings.phrase(segment, field, words, candidates)
            all_ids.append(ids + segment.offset)
            all_counts.append(counts.astype(np.float64))
        if not all_ids:
            return Frequencies(np.zeros(0, dtype=np.int32), np.zeros(0))
        return Frequencies(np.concatenate(all_ids), np.concatenate(all_counts))

    def word_idf(self, word: bytes, fields: Iterable[str]) -> float:
        """idf from the documents that hold the word in any of the fields."""
        key = (word, tuple(fields))
        known = self.statistics.known_idf(key)
        if known is not None:
            return known
        present = np.zeros(self.size, dtype=np.bool_)
        for field in key[1]:
            present[self.frequencies(field, (word,)).ids] = True
        return self.statistics.idf(key, int(present.sum()))

    def score(self, words: tuple[bytes, ...], weights: dict[str, float]) -> tuple[Ids, Floats]:
        """The documents holding the word or phrase and their BM25F scores; remembered, as the
        searcher never changes and the same words come back in search after search."""
        key = (words, tuple(weights.items()))
        with self._lock:
            found = self._scores.get(key)
        if found is None:
            occurrences = self.occurrences(words, weights)
            norms = {field: self.statistics.norms(field) for field in weights}
            ids, tf = combine(occurrences, weights, norms)
            idf = sum(self.word_idf(word, weights) for word in words)
            if len(words) > 1 and PHRASE_OWN_IDF:
                idf = max(idf, idf_of(self.size, len(ids)))
            found = (ids, saturate(tf, idf))
            with self._lock:
                self._scores[key] = found
        return found

    def occurrences(
        self, words: tuple[bytes, ...], weights: dict[str, float]
    ) -> dict[str, Frequencies]:
        """Where the word or phrase occurs, field by field (also for explaining a score)."""
        return {field: self.frequencies(field, words) for field in weights}
