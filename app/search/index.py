"""SearchIndex, the façade: open, search, apply changes, rebuild atomically.

Searches run side by side: each takes the current view (a snapshot, see view.py) under a brief
lock and counts itself as a reader; a refresh builds the next view without that lock, swaps it
in, and the old view's searcher is closed when its last reader leaves. Deleting INDEX_DIR, or
damaging it, makes the service build a new one (generations.py has the layout on disk).
"""

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.fields import STORED
from whoosh.index import LockError
from whoosh.query import Query

from app.core.errors import Unavailable
from app.core.results import Explanation
from app.search import bits, explain, generations, highlight, ranking, related, semantic, spelling
from app.search.analysis import warm_stems
from app.search.postings import shared_postings
from app.search.schema import TEXT_FIELDS, build_schema
from app.search.scoring import SharedIdf
from app.search.spelling import Words
from app.search.thesaurus import get_thesaurus
from app.search.view import Catalogue, Filters, Sort, View

__all__ = ["Catalogue", "Filters", "Hits", "IndexUnavailable", "SearchIndex", "Sort"]

REFRESH_SECONDS = 0.5


class IndexUnavailable(Unavailable):
    """The index could not be read; it is marked damaged and will be rebuilt. The client is
    told only that; the cause goes to the log."""

    def __init__(self, cause: str) -> None:
        super().__init__("The search index is being rebuilt; try again in a few seconds.")
        self.cause = cause


@dataclass(frozen=True)
class Hits:
    slugs: list[str]
    total: int
    facets: dict[str, dict[str, int]]
    terms: frozenset[str]  # matched stems, and phrases as stems joined by spaces


class SearchIndex:
    """The derived full-text index of published case studies, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = build_schema()
        self.schema.add(semantic.FIELD, STORED())
        self._lock = threading.Lock()  # held only to hand out, count and swap views
        self._refreshing = threading.Lock()  # one refresh at a time
        self.apply_lock = threading.Lock()  # one catch-up at a time per process
        self._view: View | None = None
        self._checked = 0.0
        self.damaged = False  # set when reading fails; the sync thread then rebuilds
        self.version = 0  # grows whenever searches may see something new (cache keys use it)
        self.postings = shared_postings()  # by successive searchers and other indexes
        self.warm_seconds = 0.0  # how long the last rebuild spent reading ahead (benchmarks)

    # -- state ------------------------------------------------------------------------------

    def current_version(self) -> int:
        """The version of what searches see now (picking up changes, as a search would)."""
        with self._reading():
            return self.version

    def generation(self) -> Path | None:
        """The folder of the generation in use, if there is one."""
        return generations.current(self.path)

    def exists(self) -> bool:
        """Whether a readable index is in place; a damaged one counts as missing."""
        return not self.damaged and generations.readable(self.generation(), self.schema)

    def applied_change_id(self) -> int:
        """The last change-log id the current generation reflects (0 if unknown)."""
        return generations.applied_change_id(self.generation())

    def doc_count(self) -> int:
        with self._reading() as view:
            return view.live.bit_count()

    def slugs(self) -> set[str]:
        return set(self.fingerprints())

    def fingerprints(self) -> dict[str, str]:
        """Each indexed case study's slug and the content hash it was indexed with."""
        with self._reading() as view:
            return {
                view.slugs[d]: view.stored[d].get("content_hash", "")
                for d in bits.to_ids(view.live)
            }

    def catalogue(self) -> Catalogue:
        with self._reading() as view:
            return view.catalogue

    # -- reading ----------------------------------------------------------------------------

    def search(
        self,
        query: Query | None,
        filters: Filters,
        sort: Sort,
        offset: int,
        limit: int,
        text: str = "",
    ) -> Hits:
        """Return one page of ranked slugs, the exact total and disjunctive facet counts.

        text, what was typed, re-orders the matches by meaning too (semantic.py)."""
        with self._reading() as view:
            selected = view.filter_sets(filters)
            allowed = view.live
            for found in selected.values():
                allowed &= found
            ranked: list[int] | None = None
            terms: frozenset[str] = frozenset()
            if query is None:
                matched = view.live
            else:
                terms = view.matched_terms(query)
                try:
                    scored = view.ranker.evaluate(query)
                except ranking.Unsupported:
                    scored = None
                if scored is not None:
                    matched = view.live & bits.to_bits(scored.matched)
                    if sort == "relevance":
                        allowed_mask = bits.to_mask(matched & allowed, view.size)
                        scores = view.fused(scored.scores, allowed_mask, text)
                        ranked = view.top(scores, allowed_mask, offset + limit)
                elif sort == "relevance":
                    # One pass finds every match (for the total and the facets) and scores
                    # those the filters allow (for the ranking).
                    matched, ranked = view.whoosh_rank(query, allowed, offset + limit)
                else:
                    matched = view.whoosh_matches(query)
            final = matched & allowed
            facets = view.facets(matched, selected)
            if ranked is None:
                ranked = view.sorted(final, sort)
            page = ranked[offset : offset + limit]
            return Hits([view.slugs[d] for d in page], final.bit_count(), facets, terms)

    def explain(
        self, query: Query, filters: Filters, slugs: list[str], text: str = ""
    ) -> dict[str, Explanation]:
        """Why each of the slugs (a page of this search's results) ranks where it does."""
        with self._reading() as view:
            return explain.for_slugs(view, query, filters, slugs, text)

    def similar(
        self,
        texts: dict[str, str],
        tags: dict[str, list[str]],
        limit: int,
        exclude: str | None = None,
    ) -> list[tuple[str, float]]:
        """The published case studies most like a text, best first, with scores.

        texts maps text fields to the text in each: its most distinctive words per field (by
        that field's statistics) are searched for in the same field of the case studies; each
        tag they share adds a constant. exclude leaves one case study (the text's own) out.
        """
        with self._reading() as view:
            return related.similar(view, texts, tags, limit, exclude)

    def passages(self, bodies: dict[str, str]) -> dict[str, highlight.Sentences]:
        """Snippet sentences with their stems kept in the index for these bodies (by slug),
        where it holds exactly that body; the rest are left out (the caller parses them)."""
        with self._reading() as view:
            return view.passages(bodies)

    def corrections(self, words: Iterable[str], known: Words | None = None) -> dict[str, str]:
        """Each word no published case study holds, to its likeliest intended word: never to
        one only withdrawn case studies hold, or else to a `known` one (spelling.correct)."""
        with self._reading() as view:
            return spelling.correct(words, view.words, view.holds, known)

    # -- writing ----------------------------------------------------------------------------

    def apply(self, documents: list[dict[str, Any]], removed: list[str], change_id: int) -> None:
        """Upsert and delete documents in the current generation, then record change_id."""
        folder = self.generation()
        size = self.doc_count() if folder is not None else 0  # vectors only where used
        documents = list(semantic.with_vectors(documents, size))
        try:
            if folder is None:
                raise FileNotFoundError(f"no index generation in {self.path}")
            generations.update(folder, self.schema, documents, removed, change_id)
        except LockError:  # another process is writing: busy, not damaged
            raise
        except Exception as error:  # missing or damaged (its files, its spelling list)
            self.damaged = True
            raise IndexUnavailable(f"{type(error).__name__}: {error}") from error
        self.refresh(force=True)

    def rebuild(
        self,
        documents: Iterable[dict[str, Any]],
        change_id: int,
        progress: Callable[[], None] | None = None,
        expected: int = 0,
    ) -> int:
        """Build a new generation from documents aside, then switch to it atomically.

        expected (how many documents are coming) decides whether to analyse them in two
        processes; it is not trusted for anything else.
        """
        generation = generations.create(self.path)
        try:
            parallel = generations.parallel(expected)
            documents = semantic.with_vectors(documents, expected)
            count = generations.write(generation, self.schema, documents, progress, parallel)
            generations.write_marker(generation, change_id)
            started = time.perf_counter()
            self.warm(generation)
            self.warm_seconds = time.perf_counter() - started
            generations.switch_to(self.path, generation)
            self.damaged = False
        except BaseException:
            generations.remove(generation)
            raise
        self.refresh(force=True)
        return count

    def warm(self, generation: Path | None = None) -> None:
        """Read ahead a generation's field lengths, commonest words (postings, places, stems
        for snippets) and where the thesaurus's phrases occur, so the first searches after a
        rebuild or a start do not each pay for them. The model that reads a query's meaning
        too: a start on an index already built did not load it (the first search did: 0.7 s)."""
        folder = generation or self.generation()
        if folder is None:
            return
        with generations.open_searcher(folder, self.schema, SharedIdf()) as searcher:
            if searcher.doc_count() <= semantic.HYBRID_MAX_DOCS:  # above it, never used
                semantic.model()
            ranker = ranking.Ranker(searcher, self.postings)
            ranker.warm(TEXT_FIELDS, phrases=get_thesaurus().phrases())
        with contextlib.suppress(ValueError):  # a damaged spelling list: its view will say so
            warm_stems(spelling.read(folder).counts)

    # -- views ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[View]:
        """The current view, held until the block ends; a failure to read marks the index
        damaged."""
        view = self._acquire()
        try:
            yield view
        except IndexUnavailable:
            raise
        except Exception as error:
            self.damaged = True
            raise IndexUnavailable(f"{type(error).__name__}: {error}") from error
        finally:
            self._release(view)

    def _acquire(self) -> View:
        if self._view is None or time.monotonic() - self._checked > REFRESH_SECONDS:
            try:
                # With a view to serve from, a search never waits for another's refresh.
                self.refresh(wait=self._view is None)
            except Exception as error:
                if self._view is None:
                    self.damaged = True
                    raise IndexUnavailable(str(error)) from error
        with self._lock:
            view = self._view
            if view is None:
                raise IndexUnavailable("the index is closed")
            view.readers += 1
            return view

    def _release(self, view: View) -> None:
        with self._lock:
            view.readers -= 1
            done = view.retired and view.readers == 0
        if done:
            view.close()

    def _retire(self, view: View) -> None:
        with self._lock:
            view.retired = True
            done = view.readers == 0
        if done:
            view.close()

    def refresh(self, force: bool = False, wait: bool = True) -> None:
        """Pick up a new generation or new commits, from this process or another. wait=False
        returns at once if another thread is refreshing. A generation that will not open marks
        the index damaged (IndexUnavailable): searches keep the view they have meanwhile."""
        if not self._refreshing.acquire(blocking=wait):
            return
        try:
            self._checked = time.monotonic()
            target = self.generation()
            view = self._view
            if view is not None and (target is None or target == view.folder):
                # No generation on disk (deleted under us): keep serving from the open searcher
                # until the sync thread has built a new one.
                if target is None or (not force and view.up_to_date()):
                    return
            if target is None:
                raise IndexUnavailable(f"no index generation in {self.path}")
            # A fresh searcher, not Searcher.refresh(): that reuses segment readers and with
            # them a stale set of deleted documents.
            try:
                fresh = self._open_view(target)
            except Exception as error:
                self.damaged = True  # the sync thread rebuilds it; searches keep the old view
                raise IndexUnavailable(f"{type(error).__name__}: {error}") from error
            with self._lock:
                self._view = fresh
                self.version += 1
            if view is not None:
                self._retire(view)
        finally:
            self._refreshing.release()

    def _open_view(self, folder: Path) -> View:
        words = spelling.read(folder)
        searcher = generations.open_searcher(folder, self.schema, SharedIdf())
        try:
            view = View(folder, searcher, self.postings, words)
        except BaseException:
            searcher.close()
            raise
        self.postings.use(self, {segment.id for segment in view.ranker.segments})
        return view

    def close(self) -> None:
        with self._lock:
            view, self._view = self._view, None
        if view is not None:
            self._retire(view)
        self.postings.release(self)
