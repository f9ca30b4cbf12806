"""Search use case: validate filters, query the index, load the hits from the store in order."""

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from cachetools import LRUCache

from app.core.errors import NotFound
from app.core.results import RelatedPage, SearchPage, SuggestPage, Summary
from app.core.vocabulary import Vocabulary
from app.search.analysis import make_word_analyzer
from app.search.index import Catalogue, Filters, SearchIndex, Sort
from app.search.pins import pinned_page
from app.search.query import Query, QueryBuilder, clean
from app.search.schema import council_key
from app.services.analytics import QueryCounter
from app.services.corrections import corrected
from app.services.curation import Curation
from app.services.facet_values import FacetValues
from app.services.filters import SearchRequest, age_bands, validated
from app.services.metrics import Metrics
from app.services.result_cards import ResultCards
from app.services.results import search_result
from app.services.search_cache import (
    CACHE_BYTES,
    OVERHEAD,
    PLAN_BYTES_PER_CHAR,
    PLAN_SHARE,
    Entry,
    entry_of,
    remember,
    size_of,
)
from app.services.suggest import Suggester
from app.store import case_studies as store
from app.store import changelog
from app.store.db import Session
from app.store.models import CaseStudy

_Rendering = TypeVar("_Rendering")


@dataclass(frozen=True)
class _Plan:
    selected: dict[str, list[str]]
    query: Query | None
    sort: Sort
    filters: Filters
    did_you_mean: str | None
    text: str  # what is ranked by meaning: corrected, with everyday words' sector words
    everyday: tuple[str, ...] = ()  # the sector's words looked for in place of everyday ones
    size: int = 0  # about how much memory it holds, key included, in bytes


class SearchService:
    """Searches the index and loads what it found from the store, filtered again to published."""

    def __init__(
        self,
        index: SearchIndex,
        vocabulary: Vocabulary,
        counter: QueryCounter | None = None,
        metrics: Metrics | None = None,
        cache_bytes: int = CACHE_BYTES,
        curation: Curation | None = None,
        plan_bytes: int | None = None,
    ) -> None:
        self.index = index
        self.curation = curation
        self._curated = 0  # the curation version self.queries was built for
        self.vocabulary = vocabulary
        self.counter = counter
        self.metrics = metrics
        # Both caches are bounded in bytes (an estimate of each entry's memory), not in
        # entries: a page of 50 results holds a hundred times what a page of none does.
        self._cache: LRUCache[tuple[Any, ...], Entry] = LRUCache(cache_bytes, getsizeof=size_of)
        # Plans have their own budget when given one, so pages can be off and plans kept.
        plans = cache_bytes // PLAN_SHARE if plan_bytes is None else plan_bytes
        self._plans: LRUCache[tuple[Any, ...], _Plan] = LRUCache(plans, getsizeof=size_of)
        self._cache_lock = threading.Lock()
        self.queries = QueryBuilder(index.schema, curation.thesaurus if curation else None)
        self._words = make_word_analyzer()
        self.cards = ResultCards()
        self.facet_values = FacetValues(vocabulary)
        self._catalogue: Catalogue | None = None
        self._suggester: Suggester | None = None
        self._councils: dict[str, str] = {}

    def _plan(self, request: SearchRequest) -> "_Plan":
        """What to search for: validated filters, the corrected and expanded query. Kept per
        index version (spelling corrections depend on what is indexed), so paging through a
        search or asking it again does not parse and correct it again."""
        key = (self.index.version, self._curation(), request.plan_key())
        with self._cache_lock:
            plan = self._plans.get(key)
        if plan is None:
            plan = self._make_plan(request, key)
            with self._cache_lock:
                remember(self._plans, key, plan)
        return plan

    def _make_plan(self, request: SearchRequest, key: tuple[Any, ...]) -> "_Plan":
        selected = validated(self.vocabulary, request)
        age_bands(self.vocabulary, selected, request.age)
        # A word that no published case study contains cannot add a result; searching for the
        # likeliest intended word instead can only find more, so the corrected query is used.
        did_you_mean = corrected(request.q, self.queries.thesaurus, self._words, self.index)
        query = self.queries.build(did_you_mean or request.q)
        sort: Sort = request.sort or ("relevance" if query is not None else "newest")
        councils = list(dict.fromkeys(council_key(c) for c in request.councils if c.strip()))
        if request.measured is not None:
            selected["measured"] = ["true" if request.measured else "false"]
        years = {"year_from": request.published_from, "year_to": request.published_to}
        filters = Filters(values=selected, councils=councils, **years)
        text = self.queries.meaning(clean(did_you_mean or request.q), query)
        everyday = tuple(self.queries.everyday(query, told=True))
        plan = _Plan(
            {**selected, "council": councils}, query, sort, filters, did_you_mean, text, everyday
        )
        chars = len(repr(plan)) + len(repr(key))
        return replace(plan, size=OVERHEAD + PLAN_BYTES_PER_CHAR * chars)

    def _curation(self, session: Session | None = None, seen: int = 0) -> int:
        """The version of moderators' synonyms and best bets in use, with the `seen` changes a
        search read from the store in it (Curation.caught_up); on a change, the query builder
        is made again with the thesaurus they extend."""
        curation = self.curation
        if curation is None:
            return 0
        version = curation.version if session is None else curation.caught_up(session, seen)
        if version != self._curated:
            self.queries = QueryBuilder(self.index.schema, curation.thesaurus)
            self._curated = version
        return version

    def count(self, text: str) -> int:
        """How many published case studies a query finds (for the synonym suggestions)."""
        self._curation()
        query = self.queries.build(text)
        if query is None:
            return 0
        return self.index.search(query, Filters(), "relevance", 0, 0, text).total

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def search(self, session: Session, request: SearchRequest) -> SearchPage:
        return self._entry(session, request).page

    def rendered(
        self,
        session: Session,
        request: SearchRequest,
        form: str,
        render: Callable[[SearchPage], _Rendering],
    ) -> _Rendering:
        """The page as render(page) makes it, kept beside the cached page for the next caller
        who asks for the same form (the API's JSON for one origin, with its ETag): the embedded
        widget asks the same search over and over, and encoding costs more than finding."""
        entry = self._entry(session, request)
        kept = entry.rendered
        if kept is not None and kept[0] == form:
            rendering: _Rendering = kept[1]
            return rendering
        body = render(entry.page)
        entry.rendered = (form, body)
        return body

    def _entry(self, session: Session, request: SearchRequest) -> Entry:
        """A page of results: from the cache when nothing has changed since the same search
        was answered (the embedded widget asks the same thing over and over), else worked out
        afresh. The key holds the change log's head, read from the store for every search, so
        no page made before a change is served once the change has committed, whichever
        process made it (an unpublished case study was served from another worker's cache);
        the curation version, brought up to the store's count of curation changes read with
        the head (a page without a pin already saved was served by another worker); and the
        index's version, so a page made before this process's index caught up is made again."""
        key, entry = self._lookup(session, request)
        if entry is None:
            entry = Entry(self._search(session, request, key[0]), 0)
            if self._cache.maxsize:  # its size (its JSON's) is worked out only to be kept
                entry = entry_of(entry.page, key)
                with self._cache_lock:
                    remember(self._cache, key, entry)
        return self._counted(request, entry)

    def _lookup(self, session: Session, request: SearchRequest) -> tuple[Any, Entry | None]:
        head, curated = changelog.heads(session)
        key = (head, self.index.current_version(), self._curation(session, curated), request.key())
        with self._cache_lock:
            return key, self._cache.get(key)

    def _counted(self, request: SearchRequest, entry: Entry) -> Entry:
        if self.counter is not None and request.page == 1:
            self.counter.record(request.q, entry.page.total)
        if self.metrics is not None:
            self.metrics.searches.inc()
            if not entry.page.total:
                self.metrics.zero_results.inc()
        return entry

    @property
    def keeps_pages(self) -> bool:
        return bool(self._cache.maxsize)

    def kept(self, session: Session, request: SearchRequest, form: str) -> Any:
        """rendered()'s answer when the page and its rendering in `form` are kept and nothing
        has changed since (the same key, head read first; counted as rendered() counts); else
        None, having worked nothing out: cheap enough to ask before handing a search to a
        thread (issue 19)."""
        entry = self._lookup(session, request)[1]
        rendered = None if entry is None else entry.rendered
        if entry is None or rendered is None or rendered[0] != form:
            return None
        self._counted(request, entry)
        return rendered[1]

    def _search(self, session: Session, request: SearchRequest, head: int) -> SearchPage:
        """head: the change log's head, read before anything else (see result_cards.py)."""
        plan = self._plan(request)
        offset = (request.page - 1) * request.per_page
        pins = self._pins(request, plan)
        pinned: list[str] = []
        if pins and plan.query is not None:
            hits, pinned = pinned_page(
                self.index, plan.query, plan.filters, pins, offset, request.per_page, plan.text
            )
        else:
            hits = self.index.search(
                plan.query, plan.filters, plan.sort, offset, request.per_page, plan.text
            )
        results = self.cards.results(
            head,
            hits.slugs,
            hits.terms,
            pinned,
            lambda slugs: self._summaries(session, slugs),
        )
        return SearchPage(
            q=request.q,
            did_you_mean=plan.did_you_mean,
            corrected=plan.did_you_mean is not None,
            also_searched=list(plan.everyday),
            sort=plan.sort,
            total=hits.total,
            page=request.page,
            per_page=request.per_page,
            pages=math.ceil(hits.total / request.per_page),
            results=results,
            facets=self.facet_values.facets(hits.facets, plan.selected, self.council_names()),
        )

    def _summaries(self, session: Session, slugs: list[str]) -> dict[str, Summary]:
        """The published ones' summaries, each with its sentences if the index kept them."""
        found = store.published_summaries(session, slugs)
        kept = self.index.passages({slug: study.body for slug, study in found.items()})
        return {slug: replace(study, sentences=kept.get(slug)) for slug, study in found.items()}

    def _pins(self, request: SearchRequest, plan: "_Plan") -> list[str]:
        """The best bets for this search: case studies moderators pinned to its words, shown
        first when it is sorted by relevance."""
        if self.curation is None or plan.query is None or plan.sort != "relevance":
            return []
        return self.curation.pins(request.q)

    def explained(self, session: Session, request: SearchRequest) -> SearchPage:
        """The page with why each result ranks where it does: worked out afresh each time
        (it is for looking into the ranking, not for every visitor), not cached, not counted."""
        head, curated = changelog.heads(session)
        self._curation(session, curated)  # the pins and synonyms saved, as in _entry
        page = self._search(session, request, head)
        plan = self._plan(request)
        if plan.query is None or plan.sort != "relevance":
            return page
        slugs = [result.slug for result in page.results]
        why = self.index.explain(plan.query, plan.filters, slugs, plan.text)
        ignored = self.queries.ignored(clean(plan.did_you_mean or request.q), plan.query)
        results = [
            result.model_copy(
                update={"explain": why[result.slug].model_copy(update={"ignored": ignored})}
            )
            if result.slug in why
            else result
            for result in page.results
        ]
        return page.model_copy(update={"results": results})

    def matching(self, session: Session, request: SearchRequest, limit: int) -> list[CaseStudy]:
        """Every published case study a search finds, in its order, up to limit (for exports
        and feeds: no facets, no snippets, no counting)."""
        self._curation(session, changelog.heads(session)[1])  # the synonyms saved
        plan = self._plan(request)
        hits = self.index.search(plan.query, plan.filters, plan.sort, 0, limit, plan.text)
        found: list[CaseStudy] = []
        for start in range(0, len(hits.slugs), 500):
            found += store.list_published_by_slug(session, hits.slugs[start : start + 500])
        return found

    def related(self, session: Session, slug: str, limit: int) -> RelatedPage:
        """The published case studies most like a published one; NotFound otherwise."""
        case_study = store.find_case_study(session, slug)
        if case_study is None:
            raise NotFound(
                f"No published case study has the slug {slug!r}; search at /api/v1/search."
            )
        texts = {
            "title": case_study.title,
            "summary": case_study.summary,
            "body": "\n".join([case_study.body, *case_study.outcomes]),
        }
        tags = {
            "theme": case_study.tag_values("themes"),
            "priority_area": case_study.tag_values("priority_areas"),
            "age_band": case_study.tag_values("age_bands"),
        }
        slugs = [found for found, _ in self.index.similar(texts, tags, limit, exclude=slug)]
        found = store.published_summaries(session, slugs)
        results = [search_result(found[s], frozenset()) for s in slugs if s in found]
        return RelatedPage(slug=slug, results=results)

    def _current_catalogue(self) -> Catalogue:
        catalogue = self.index.catalogue()
        if catalogue is not self._catalogue:  # the index changed: start afresh
            names = {council_key(name): name for name in catalogue.councils}
            self._catalogue, self._suggester, self._councils = catalogue, None, names
        return catalogue

    def council_names(self) -> dict[str, str]:
        """Each published council's name, by its key in the index."""
        self._current_catalogue()
        return self._councils

    def published_years(self) -> list[int]:
        """The years case studies were published in, earliest first (a year filter's choices)."""
        return self._current_catalogue().years

    def suggest(self, prefix: str, limit: int) -> SuggestPage:
        """Completions for a search box, from one suggester per state of the index (not per
        Host: links are added by the web layer)."""
        catalogue = self._current_catalogue()
        suggester = self._suggester
        if suggester is None:
            suggester = self._suggester = Suggester(catalogue, self.vocabulary)
        return SuggestPage(q=prefix, suggestions=suggester.suggest(prefix, limit))
