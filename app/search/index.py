"""SearchIndex: open, search, apply changes, rebuild atomically.

INDEX_DIR is a folder of generations (`gen-<n>`) and a file, CURRENT, naming the one in use. A
rebuild writes a new generation beside the current one and switches by replacing CURRENT, a
single atomic rename, so searches never see half an index. Each generation records the last
change-log id it reflects. Deleting INDEX_DIR, or damaging it, makes the service build a new one.
"""

import contextlib
import functools
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from whoosh import collectors, index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import ConstantScoreQuery, Or, Query, Term
from whoosh.searching import Searcher

from app.search import bits, ranking, spelling
from app.search.analysis import stem
from app.search.schema import FACET_FIELDS, TEXT_FIELDS, build_schema, words_of
from app.search.scoring import SharedIdf

Sort = Literal["relevance", "newest", "title"]
WRITE_TIMEOUT = 30.0
MARKER = "applied-change-id"
POINTER = "CURRENT"
REFRESH_SECONDS = 0.5
PARALLEL_FROM = 2000  # documents; for fewer, starting a second process costs more than it saves
# Related case studies: the distinctive words of one case study, searched for in the others, plus
# a constant lift for each tag they share.
RELATED_TERMS = {"title": 5, "summary": 10, "body": 25}
RELATED_TAG_SCORES = {"theme": 1.0, "priority_area": 0.6, "age_band": 0.3}


class IndexUnavailable(Exception):
    """The index could not be read; it is marked damaged and will be rebuilt."""


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


@dataclass(frozen=True)
class Hits:
    slugs: list[str]
    total: int
    facets: dict[str, dict[str, int]]
    terms: frozenset[str]


class _View:
    """One open searcher plus what is worked out once per searcher: per-value document sets."""

    def __init__(
        self, searcher: Searcher, postings: ranking.Postings, words: spelling.Words
    ) -> None:
        self.searcher = searcher
        self.words = words
        self.ranker = ranking.Ranker(searcher, postings)
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.slugs: list[str] = [""] * self.size
        self.published: list[str] = [""] * self.size
        self.titles: list[str] = [""] * self.size
        self.stored: dict[int, dict[str, Any]] = {}
        by_year: dict[int, list[int]] = {}
        for docnum, stored in reader.iter_docs():
            self.stored[docnum] = stored
            self.slugs[docnum] = stored["slug"]
            self.published[docnum] = stored.get("published_key", "")
            self.titles[docnum] = stored.get("title_key", "")
            if stored.get("published_year") is not None:
                by_year.setdefault(stored["published_year"], []).append(docnum)
        self.live = bits.from_ids(reader.all_doc_ids())
        self.years = {year: bits.from_ids(ids) for year, ids in by_year.items()}
        self.values: dict[str, dict[str, int]] = {}
        for name in (*FACET_FIELDS.values(), "council_key"):
            self.values[name] = {}
            for term in reader.lexicon(name):
                ids = reader.postings(name, term).all_ids()
                found = bits.from_ids(ids) & self.live
                if found:
                    self.values[name][term.decode("utf-8")] = found

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        live = [self.stored[d] for d in bits.to_ids(self.live)]
        return Catalogue(
            titles=[(doc["slug"], doc.get("title", "")) for doc in live],
            councils=dict(Counter(doc["council"] for doc in live if doc.get("council"))),
            programmes=dict(Counter(doc["programme"] for doc in live if doc.get("programme"))),
            themes={v: found.bit_count() for v, found in self.values["theme"].items()},
        )

    def any_of(self, name: str, values: Iterable[str]) -> int:
        found = 0
        for value in values:
            found |= self.values[name].get(value, 0)
        return found

    def holds(self, word: str) -> bool:
        """Whether a live (published) document holds a word, in any of the word's forms."""
        text = stem(word)
        if text is None:  # a stop word
            return True
        reader = self.searcher.reader()
        if not any((name, text) in reader for name in TEXT_FIELDS):
            return False
        if not reader.has_deletions():
            return True
        found = self.ranker.evaluate(Or([Term(name, text) for name in TEXT_FIELDS]))
        return bool(ranking.to_bits(found.matched) & self.live)

    def year_range(self, start: int | None, end: int | None) -> int:
        lo, hi = start if start is not None else -1, end if end is not None else 10_000
        return self.any_of_years(y for y in self.years if lo <= y <= hi)

    def any_of_years(self, years: Iterable[int]) -> int:
        found = 0
        for year in years:
            found |= self.years[year]
        return found


def _matched_terms(reader: Any, query: Query) -> frozenset[str]:
    """Return the indexed words a query matches, wildcards expanded, for highlighting.

    Query.existing_terms would do, but its loop variable shadows its field argument and so it
    drops every field after the first.
    """
    found: set[str] = set()
    for leaf in query.leaves():
        for name, text in leaf.expanded_terms(reader):
            if name in TEXT_FIELDS:
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                if (name, word) in reader:
                    found.add(word)
    return frozenset(found)


class _MatchAndRank(collectors.TopCollector):  # type: ignore[misc]
    """Collects every matching document and ranks only those in `allowed`, in one pass.

    Matcher replacement stays off: Whoosh's default replacement can drop a true top-N hit, and
    it would skip the matches that the facets need to count.
    """

    def __init__(self, limit: int, allowed: int) -> None:
        super().__init__(limit=max(limit, 1), usequality=False)
        self.replace = 0
        self.allowed = set(bits.to_ids(allowed))
        self.found: list[int] = []

    def collect(self, sub_docnum: int) -> Any:
        docnum = self.offset + sub_docnum
        self.found.append(docnum)
        if docnum in self.allowed:
            return super().collect(sub_docnum)
        return None


class SearchIndex:
    """The derived full-text index of published case studies, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = build_schema()
        self._lock = threading.RLock()
        self.apply_lock = threading.Lock()  # one catch-up at a time per process
        self._view: _View | None = None
        self._target: Path | None = None
        self._checked = 0.0
        self.damaged = False  # set when reading fails; the sync thread then rebuilds
        self.version = 0  # grows whenever searches may see something new (cache keys use it)
        self.postings = ranking.Postings()  # shared by successive searchers, per segment
        self.warm_seconds = 0.0  # how long the last rebuild spent reading ahead (benchmarks)

    # -- state ------------------------------------------------------------------------------

    def current_version(self) -> int:
        """The version of what searches see now (picking up changes, as a search would)."""
        with self._reading():
            return self.version

    def generation(self) -> Path | None:
        """The folder of the generation in use, if there is one."""
        try:
            name = (self.path / POINTER).read_text().strip()
        except OSError:
            return None
        folder = self.path / name
        return folder if name.startswith("gen-") and folder.is_dir() else None

    def exists(self) -> bool:
        """Whether a readable index is in place. A damaged one counts as missing, and so does
        one written before the spelling list moved out of Whoosh: either is rebuilt."""
        if self.damaged:
            return False
        folder = self.generation()
        try:
            if folder is None or not index.exists_in(str(folder)):
                return False
            if not spelling.path(folder).is_file():
                return False
            with self._open_index().reader() as reader:
                return bool(reader.doc_count_all() >= 0)
        except Exception:
            return False

    def applied_change_id(self) -> int:
        """The last change-log id the current generation reflects (0 if unknown)."""
        folder = self.generation()
        try:
            return int((folder / MARKER).read_text().strip()) if folder else 0
        except (OSError, ValueError):
            return 0

    def doc_count(self) -> int:
        with self._reading() as view:
            return int(view.searcher.doc_count())

    def slugs(self) -> set[str]:
        return set(self.fingerprints())

    def fingerprints(self) -> dict[str, str]:
        """Each indexed case study's slug and the content hash it was indexed with."""
        with self._reading() as view:
            return {
                view.slugs[d]: view.stored[d].get("content_hash", "")
                for d in bits.to_ids(view.live)
            }

    # -- reading ----------------------------------------------------------------------------

    def search(
        self, query: Query | None, filters: Filters, sort: Sort, offset: int, limit: int
    ) -> Hits:
        """Return one page of ranked slugs, the exact total and disjunctive facet counts."""
        with self._reading() as view:
            selected = self._filter_sets(view, filters)
            allowed = view.live
            for found in selected.values():
                allowed &= found
            ranked: list[int] | None = None
            if query is None:
                matched = view.live
                terms: frozenset[str] = frozenset()
            else:
                terms = _matched_terms(view.searcher.reader(), query)
                try:
                    scored = view.ranker.evaluate(query)
                except ranking.Unsupported:
                    scored = None
                if scored is not None:
                    matched = view.live & ranking.to_bits(scored.matched)
                    if sort == "relevance":
                        allowed_mask = ranking.to_mask(matched & allowed, view.size)
                        ranked = ranking.top(scored.scores, allowed_mask, offset + limit)
                elif sort == "relevance":
                    # One pass finds every match (for the total and the facets) and scores
                    # those the filters allow (for the ranking).
                    collector = _MatchAndRank(offset + limit, allowed)
                    view.searcher.search_with_collector(query, collector)
                    matched = view.live & bits.from_ids(collector.found)
                    ranked = [docnum for _score, docnum in collector.results().top_n]
                else:
                    # Per segment: a query matcher across segments trips over a Whoosh bug.
                    matched = view.live & bits.from_ids(view.searcher.docs_for_query(query))
            final = matched & allowed
            facets = self._facets(view, matched, selected)
            if ranked is None:
                ranked = self._sorted(view, final, sort)
            page = ranked[offset : offset + limit]
            return Hits([view.slugs[d] for d in page], final.bit_count(), facets, terms)

    def _filter_sets(self, view: _View, filters: Filters) -> dict[str, int]:
        selected = {
            name: view.any_of(name, values) for name, values in filters.values.items() if values
        }
        if filters.councils:
            selected["council_key"] = view.any_of("council_key", filters.councils)
        if filters.year_from is not None or filters.year_to is not None:
            selected["published_year"] = view.year_range(filters.year_from, filters.year_to)
        return selected

    def _facets(
        self, view: _View, matched: int, selected: dict[str, int]
    ) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        for facet, name in FACET_FIELDS.items():
            base = matched
            for other, found in selected.items():
                if other != name:  # a field's own selection does not narrow its own counts
                    base &= found
            counts = {v: (base & found).bit_count() for v, found in view.values[name].items()}
            facets[facet] = {v: n for v, n in counts.items() if n}
        return facets

    def _top(self, view: _View, query: Query, final: int, limit: int) -> list[tuple[float, int]]:
        if not final or limit <= 0:
            return []
        # replace=0: Whoosh's default matcher replacement can drop a true top-N hit.
        top = collectors.TopCollector(limit=limit, usequality=False, replace=0)
        allow = set(bits.to_ids(final))
        view.searcher.search_with_collector(query, collectors.FilterCollector(top, allow=allow))
        return [(score, docnum) for score, docnum in top.results().top_n]

    def _sorted(self, view: _View, final: int, sort: Sort) -> list[int]:
        ids = sorted(bits.to_ids(final), key=view.titles.__getitem__)
        if sort != "title":  # newest first; undated last; ties by title (the sort is stable)
            ids.sort(key=view.published.__getitem__, reverse=True)
        return ids

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
            searcher = view.searcher
            allowed = view.live
            if exclude is not None:
                allowed &= ~bits.from_ids(searcher.docs_for_query(Term("slug", exclude)))
            clauses: list[Query] = []
            for name, text in texts.items():
                words = searcher.key_terms_from_text(name, text, numterms=RELATED_TERMS[name])
                clauses += [
                    Term(name, word, boost=weight * TEXT_FIELDS[name]) for word, weight in words
                ]
            clauses += [
                ConstantScoreQuery(Term(name, value), score=RELATED_TAG_SCORES[name])
                for name, values in tags.items()
                for value in values
            ]
            if not clauses:
                return []
            top = self._top(view, Or(clauses), allowed, limit)
            return [(view.slugs[docnum], score) for score, docnum in top]

    def catalogue(self) -> Catalogue:
        with self._reading() as view:
            return view.catalogue

    def corrections(self, words: Iterable[str]) -> dict[str, str]:
        """Map each word that no published case study contains to its likeliest intended word.

        Candidates are listed words one edit away, then two, sharing the first letter; the one
        most case studies hold wins. A word no published case study holds (one only in a
        withdrawn case study, say) is never suggested.
        """
        found: dict[str, str] = {}
        with self._reading() as view:
            for word in words:
                if word in found or view.holds(word):
                    continue
                for distance in (1, 2) if len(word) > 5 else (1,):
                    candidates = view.words.within(word, distance, prefix=1)
                    ranked = sorted(candidates, key=lambda c: (-view.words.counts[c], c))
                    fix = next((c for c in ranked if c != word and view.holds(c)), None)
                    if fix is not None:
                        found[word] = fix
                        break
        return found

    # -- writing ----------------------------------------------------------------------------

    def apply(self, documents: list[dict[str, Any]], removed: list[str], change_id: int) -> None:
        """Upsert and delete documents in the current generation, then record change_id."""
        ix = self._open_index()
        with ix.writer(timeout=WRITE_TIMEOUT) as writer:
            for slug in removed:
                writer.delete_by_term("slug", slug)
            for document in documents:
                writer.update_document(**document)
            # Under the writer's lock, before the commit: a searcher of the new commit finds
            # its words listed.
            counts: Counter[str] = Counter()
            for document in documents:
                counts.update(words_of(document))
            spelling.add(Path(ix.storage.folder), counts)
        self._write_marker(Path(ix.storage.folder), change_id)
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
        self._prepare_folder()
        generation = self.path / f"gen-{time.time_ns()}"
        generation.mkdir()
        try:
            ix = index.create_in(str(generation), self.schema)
            parallel = expected >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
            # Two processes, each writing its own segment: the ranker reads across segments,
            # so they are not merged (merging would cost what the second process saved).
            # Each worker gets half the single writer's memory for its postings pool (Whoosh's
            # estimate; a 100k build's workers peaked at 1 GB each with 128 MB apiece).
            options = {"procs": 2, "multisegment": True, "limitmb": 64} if parallel else {}
            writer = ix.writer(**{"limitmb": 128, "timeout": WRITE_TIMEOUT, **options})
            count = 0
            words: Counter[str] = Counter()  # how many documents hold each word
            try:
                for document in documents:
                    writer.add_document(**document)
                    words.update(words_of(document))
                    count += 1
                    if progress:
                        progress()
            except BaseException:
                writer.cancel()
                raise
            writer.commit(optimize=not parallel)
            with ix.reader() as reader:
                indexed = reader.doc_count()
            if indexed != count:  # Whoosh drops a worker's segment it waited on too long for
                raise RuntimeError(f"the new index holds {indexed} of {count} documents")
            spelling.write(generation, words)
            self._write_marker(generation, change_id)
            started = time.perf_counter()
            self.warm(generation)
            self.warm_seconds = time.perf_counter() - started
            self._switch_to(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self.refresh(force=True)
        return count

    def warm(self, generation: Path | None = None) -> None:
        """Read a generation's field lengths and commonest words into the ranker's arrays, so
        the first searches after a rebuild or a start do not each pay for reading them."""
        folder = generation or self.generation()
        if folder is None:
            return
        storage = FileStorage(str(folder), supports_mmap=False)
        with storage.open_index(schema=self.schema).searcher(weighting=SharedIdf()) as searcher:
            ranking.Ranker(searcher, self.postings, prune=False).warm(TEXT_FIELDS)

    def _write_marker(self, folder: Path, change_id: int) -> None:
        temporary = folder / f"{MARKER}.tmp"
        temporary.write_text(str(change_id))
        os.replace(temporary, folder / MARKER)

    def _prepare_folder(self) -> None:
        """INDEX_DIR as a folder of generations; anything else found there is set aside."""
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_dir()):
            self.path.unlink()  # the layout of earlier versions: a link to the generation
        self.path.mkdir(parents=True, exist_ok=True)
        for stray in self.path.iterdir():  # a bare Whoosh index from elsewhere
            if stray.is_file() and stray.name not in (POINTER,) and not stray.name.startswith("."):
                stray.unlink(missing_ok=True)

    def _switch_to(self, generation: Path) -> None:
        temporary = self.path / f"{POINTER}.{time.time_ns()}.tmp"
        temporary.write_text(generation.name)
        os.replace(temporary, self.path / POINTER)
        self.damaged = False
        self._remove_old_generations(keep=generation.name)

    def _remove_old_generations(self, keep: str) -> None:
        # Keep the newest previous generation too: a searcher may still be reading it.
        old = sorted(p.name for p in self.path.glob("gen-*") if p.name != keep)
        for name in old[:-1]:
            shutil.rmtree(self.path / name, ignore_errors=True)
        for leftover in self.path.glob(f"{POINTER}.*.tmp"):
            leftover.unlink(missing_ok=True)

    # -- searchers --------------------------------------------------------------------------

    def _open_index(self) -> Any:
        folder = self.generation()
        if folder is None:
            raise FileNotFoundError(f"no index generation in {self.path}")
        # No mmap: a damaged or truncated file must raise an error we can handle, not SIGBUS.
        return FileStorage(str(folder), supports_mmap=False).open_index(schema=self.schema)

    def _current(self) -> _View:
        if self._view is None or time.monotonic() - self._checked > REFRESH_SECONDS:
            try:
                self.refresh()
            except Exception as error:
                if self._view is None:
                    self.damaged = True
                    raise IndexUnavailable(str(error)) from error
        assert self._view is not None
        return self._view

    @contextlib.contextmanager
    def _reading(self) -> Iterator[_View]:
        """The current view, under the lock; a failure to read marks the index damaged."""
        with self._lock:
            try:
                yield self._current()
            except IndexUnavailable:
                raise
            except Exception as error:
                self.damaged = True
                raise IndexUnavailable(f"{type(error).__name__}: {error}") from error

    def refresh(self, force: bool = False) -> None:
        """Pick up a new generation or new commits, from this process or another."""
        with self._lock:
            self._checked = time.monotonic()
            target = self.generation()
            view = self._view
            if view is not None and (target is None or target == self._target):
                # No generation on disk (deleted under us): keep serving from the open searcher
                # until the sync thread has built a new one.
                if target is None or (view.searcher.up_to_date() and not force):
                    return
            # A fresh searcher, not Searcher.refresh(): that reuses segment readers and with them
            # a stale set of deleted documents.
            words = spelling.read(target) if target is not None else spelling.Words()
            searcher = self._open_index().searcher(weighting=SharedIdf())
            self._view = _View(searcher, self.postings, words)
            self._target = target
            self.version += 1
            if view is not None:
                view.searcher.close()

    def close(self) -> None:
        with self._lock:
            if self._view is not None:
                self._view.searcher.close()
                self._view = None
