"""A searcher's snapshot: one open Whoosh searcher and what is worked out once per searcher
(document sets per facet value, stored fields, the ranker), plus filters and facet counts.

A view never changes once built, so any number of threads read it at once. Whoosh's readers
seek and read shared file handles, though: every call into the searcher holds `lock`.
"""

import functools
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from cachetools import LRUCache
from numpy.typing import NDArray
from whoosh import collectors
from whoosh.query import AndNot, Not, Or, Phrase, Query, Term
from whoosh.searching import Searcher

from app.search import arrays, bits, passages, ranking, semantic, spelling
from app.search.analysis import stem
from app.search.highlight import Sentences
from app.search.nodes import Across, Pattern
from app.search.postings import Floats, Postings
from app.search.schema import FACET_FIELDS, TEXT_FIELDS

BY_COSINE_BYTES = 16 * 2**20  # query texts' documents by cosine, per view (80 at 20,000)

Sort = Literal["relevance", "newest", "title", "reviewed"]


@dataclass(frozen=True)
class Filters:
    """Selected values per field: OR within a field, AND across fields."""

    values: dict[str, list[str]] = field(default_factory=dict)
    councils: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class Catalogue:
    """What type-ahead suggestions draw on: names and counts over published case studies."""

    titles: list[tuple[str, str]]  # (slug, title)
    councils: dict[str, int]
    programmes: dict[str, int]
    themes: dict[str, int]
    years: list[int]  # the years case studies were published in, earliest first


class View:
    """One generation's searcher as of one commit. `readers` and `retired` belong to the
    SearchIndex that hands the view out: it closes the searcher once both say so."""

    def __init__(
        self, folder: Path | None, searcher: Searcher, postings: Postings, words: spelling.Words
    ) -> None:
        self.folder = folder
        self.searcher = searcher
        self.lock = threading.RLock()
        self.words = words
        self.readers = 0
        self.retired = False
        self.ranker = ranking.Ranker(searcher, postings, self.lock)
        # Each query text's documents by cosine (semantic.order), least recently used dropped.
        self._by_cosine: LRUCache[str, NDArray[np.intp]] = LRUCache(
            BY_COSINE_BYTES, getsizeof=lambda order: order.nbytes
        )
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.slugs: list[str] = [""] * self.size
        self.published: list[str] = [""] * self.size
        self.reviewed: list[str] = [""] * self.size
        self.titles: list[str] = [""] * self.size
        self.stored: dict[int, dict[str, Any]] = {}
        by_year: dict[int, list[int]] = {}
        for docnum, stored in reader.iter_docs():
            stored.pop(passages.FIELD, None)  # read when a page needs it (self.passages)
            self.stored[docnum] = stored
            self.slugs[docnum] = stored["slug"]
            self.published[docnum] = stored.get("published_key", "")
            self.reviewed[docnum] = stored.get("reviewed_key", "")
            self.titles[docnum] = stored.get("title_key", "")
            if stored.get("published_year") is not None:
                by_year.setdefault(stored["published_year"], []).append(docnum)
        self.live = bits.from_ids(reader.all_doc_ids())
        # Every document in slug order: equal scores, dates or titles are shown in this order,
        # never by document number (which differs from build to build and between replicas).
        self.by_slug: NDArray[np.intp] = np.argsort(np.array(self.slugs, dtype=str), kind="stable")
        self.years = {year: bits.from_ids(ids) for year, ids in by_year.items()}
        self.values: dict[str, dict[str, int]] = {}
        for name in FACET_FIELDS.values():
            self.values[name] = {}
            for term in reader.lexicon(name):
                ids = reader.postings(name, term).all_ids()
                found = bits.from_ids(ids) & self.live
                if found:
                    self.values[name][term.decode("utf-8")] = found
        # Every search with words reads the council names in it: worked out with the view, not
        # by its first search (134 ms at 100k, the first query after a start).
        self.catalogue = self._catalogue()

    def close(self) -> None:
        with self.lock:
            self.searcher.close()

    def up_to_date(self) -> bool:
        """Whether the searcher has every commit to its generation."""
        with self.lock:
            return bool(self.searcher.up_to_date())

    def _catalogue(self) -> Catalogue:
        # In slug order: suggestions of equal titles keep the same one whatever the numbering.
        mask = bits.to_mask(self.live, self.size)
        live = [self.stored[int(d)] for d in self.by_slug[mask[self.by_slug]]]
        return Catalogue(
            titles=[(doc["slug"], doc.get("title", "")) for doc in live],
            councils=dict(Counter(doc["council"] for doc in live if doc.get("council"))),
            programmes=dict(Counter(doc["programme"] for doc in live if doc.get("programme"))),
            themes={v: found.bit_count() for v, found in self.values["theme"].items()},
            years=sorted(year for year, found in self.years.items() if found & self.live),
        )

    @functools.cached_property
    def vectors(self) -> semantic.Vectors | None:
        return semantic.matrix(self.stored, self.size)

    def fused(self, scores: Floats, allowed: NDArray[np.bool_], text: str) -> Floats:
        """BM25F scores, or their fusion with the embeddings' ranking when hybrid is on."""
        vectors = self.vectors if text else None
        if vectors is None:
            return scores
        with self.lock:
            by_cosine = self._by_cosine.get(text)
        if by_cosine is None:
            query = semantic.query_vector(text)
            if query is None:
                return scores
            by_cosine = semantic.order(vectors, query, self.by_slug)
            with self.lock:
                if by_cosine.nbytes <= self._by_cosine.maxsize:
                    self._by_cosine[text] = by_cosine
        return semantic.fuse_ordered(scores, allowed, by_cosine, self.by_slug)

    @functools.cached_property
    def live_docnums(self) -> dict[str, int]:
        """Each live document's number, by slug."""
        return {self.slugs[d]: d for d in bits.to_ids(self.live)}

    def passages(self, bodies: dict[str, str]) -> dict[str, Sentences]:
        """The snippet sentences with their stems kept for each slug's body, for those whose
        document was indexed from exactly that body (passages.py)."""
        numbers = {slug: self.live_docnums.get(slug) for slug in bodies}
        with self.lock:
            packed = {
                slug: self.searcher.stored_fields(d).get(passages.FIELD)
                for slug, d in numbers.items()
                if d is not None
            }
        found = {slug: passages.unpack(kept, bodies[slug]) for slug, kept in packed.items()}
        return {slug: kept for slug, kept in found.items() if kept is not None}

    def holds(self, word: str) -> bool:
        """Whether a live (published) document holds a word, in any of the word's forms."""
        text = stem(word)
        if text is None:  # a stop word
            return True
        with self.lock:
            reader = self.searcher.reader()
            if not any((name, text) in reader for name in TEXT_FIELDS):
                return False
            if not reader.has_deletions():
                return True
        found = self.ranker.evaluate(Or([Term(name, text) for name in TEXT_FIELDS]))
        return bool(bits.to_bits(found.matched) & self.live)

    def matched_terms(self, query: Query) -> frozenset[str]:
        """The indexed words a query finds, for highlighting: a word, or a phrase as its words
        joined by spaces (highlighting marks it only where they stand together), if the index
        holds it; a wildcard's words as the ranker expands it; nothing that a NOT excludes."""
        found: set[str] = set()
        for node in _found_parts(query):
            if isinstance(node, Pattern):
                found.update(self.ranker.expand(node))
            elif isinstance(node, Across):
                if self.ranker.finds(node):
                    found.add(" ".join(node.words))
            elif isinstance(node, Term | Phrase) and node.fieldname in TEXT_FIELDS:
                words = (node.text,) if isinstance(node, Term) else tuple(node.words)
                if self.ranker.finds(Across(words, {node.fieldname: 1.0})):
                    found.add(" ".join(words))
        return frozenset(found)

    # -- filters and facets -----------------------------------------------------------------

    def filter_sets(self, filters: Filters) -> dict[str, int]:
        """The documents each filtered field allows, by index field name."""
        selected = {
            name: self._any_of(name, values) for name, values in filters.values.items() if values
        }
        if filters.councils:
            selected["council_key"] = self._any_of("council_key", filters.councils)
        if filters.year_from is not None or filters.year_to is not None:
            selected["published_year"] = self._years(filters.year_from, filters.year_to)
        return selected

    def facets(self, matched: int, selected: dict[str, int]) -> dict[str, dict[str, int]]:
        """Disjunctive counts: each field's values counted under every other field's filter."""
        facets: dict[str, dict[str, int]] = {}
        for facet, name in FACET_FIELDS.items():
            base = matched
            for other, found in selected.items():
                if other != name:  # a field's own selection does not narrow its own counts
                    base &= found
            counts = {v: (base & found).bit_count() for v, found in self.values[name].items()}
            facets[facet] = {v: n for v, n in counts.items() if n}
        return facets

    def top(self, scores: Floats, allowed: NDArray[np.bool_], count: int) -> list[int]:
        """The best `count` allowed documents by score, equal scores in slug order."""
        return arrays.top(scores, allowed, count, self.by_slug)

    def sorted(self, final: int, sort: Sort) -> list[int]:
        """Newest (or most recently checked) first, undated last, then by title; or by title;
        equal titles in slug order."""
        order = self._orders[sort]
        return [int(d) for d in order[bits.to_mask(final, self.size)[order]]]

    @functools.cached_property
    def _orders(self) -> dict[Sort, NDArray[np.intp]]:
        """Every document in each sort's order, worked out once per view."""
        slugs, titles = np.array(self.slugs, dtype=str), np.array(self.titles, dtype=str)
        by_title = np.lexsort((slugs, titles))

        def newest_first(dates: list[str]) -> NDArray[np.intp]:
            # Dates are ISO strings ("" when undated): their rank, negated, puts "" last.
            rank = np.unique(np.array(dates, dtype=str), return_inverse=True)[1]
            return np.lexsort((slugs, titles, -rank))

        newest = newest_first(self.published)
        # A browse without words has no scores to rank by: newest first.
        return {
            "title": by_title,
            "newest": newest,
            "reviewed": newest_first(self.reviewed),
            "relevance": newest,
        }

    def _any_of(self, name: str, values: Iterable[str]) -> int:
        found = 0
        for value in values:
            found |= self.values[name].get(value, 0)
        return found

    def _years(self, start: int | None, end: int | None) -> int:
        lo, hi = start if start is not None else -1, end if end is not None else 10_000
        found = 0
        for year, documents in self.years.items():
            if lo <= year <= hi:
                found |= documents
        return found

    # -- Whoosh's own matchers, for query shapes the ranker does not evaluate ---------------

    def whoosh_matches(self, query: Query) -> int:
        with self.lock:  # per segment: a query matcher across segments trips over a Whoosh bug
            return self.live & bits.from_ids(self.searcher.docs_for_query(query))

    def whoosh_rank(self, query: Query, allowed: int, limit: int) -> tuple[int, list[int]]:
        """Every live match, and the best `limit` of those in `allowed`, in one pass."""
        collector = _MatchAndScore(allowed)
        with self.lock:
            self.searcher.search_with_collector(query, collector)
        scores, mask = self._dense(collector.items)
        return self.live & bits.from_ids(collector.found), self.top(scores, mask, limit)

    def whoosh_top(self, query: Query, allowed: int, limit: int) -> list[tuple[float, int]]:
        """The best `limit` documents of `allowed`, with scores (equal scores in slug order)."""
        if not allowed or limit <= 0:
            return []
        collector = _MatchAndScore(allowed)
        with self.lock:
            self.searcher.search_with_collector(query, collector)
        scores, mask = self._dense(collector.items)
        return [(float(scores[d]), d) for d in self.top(scores, mask, limit)]

    def _dense(self, items: list[tuple[float, int]]) -> tuple[Floats, NDArray[np.bool_]]:
        scores, mask = np.zeros(self.size), np.zeros(self.size, dtype=np.bool_)
        for score, docnum in items:
            scores[docnum], mask[docnum] = score, True
        return scores, mask


def _found_parts(query: Query) -> Iterable[Query]:
    """The query's nodes, less those under a NOT; a word, phrase or wildcard ends a branch."""
    yield query
    if isinstance(query, Across | Pattern | Not):
        return
    children = [query.a] if isinstance(query, AndNot) else list(query.children())
    for child in children:
        yield from _found_parts(child)


class _MatchAndScore(collectors.UnlimitedCollector):  # type: ignore[misc]
    """Collects every matching document and the score of each in `allowed`, in one pass: the
    caller takes the best (ties by slug), where Whoosh's own top N breaks ties by document
    number and cuts them there.

    Matcher replacement stays off: Whoosh's default replacement can drop a true top-N hit, and
    it would skip the matches that the facets need to count.
    """

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.replace = 0
        self.allowed = set(bits.to_ids(allowed))
        self.found: list[int] = []

    def collect(self, sub_docnum: int) -> Any:
        docnum = self.offset + sub_docnum
        self.found.append(docnum)
        if docnum in self.allowed:
            return super().collect(sub_docnum)
        return None
