"""Search use case: validate filters, query the index, load the hits from the store in order."""

import math
import re
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from app.core.errors import NotFound
from app.core.markdown import markdown_passages
from app.core.results import RelatedPage, SearchPage, SearchResult, SuggestPage
from app.core.vocabulary import Vocabulary
from app.search.analysis import make_word_analyzer
from app.search.highlight import passage, snippet
from app.search.index import Catalogue, Filters, SearchIndex, Sort
from app.search.query import Query, QueryBuilder, clean
from app.search.schema import council_key
from app.services.analytics import QueryCounter
from app.services.filters import SearchRequest, age_bands, facets, validated
from app.services.metrics import Metrics
from app.services.suggest import Suggester
from app.store import case_studies as store
from app.store.db import Session
from app.store.models import CaseStudy

# A word worth checking for typos: letters only, not an operator, not next to a wildcard, and
# not right after NOT (correcting a word someone excluded would change what they excluded).
_CHECKABLE = re.compile(r"(?<![\w*?])(?<!NOT )[^\W\d_]{4,}(?![\w*?'\u2019])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


CACHE_SIZE = 1024  # search pages kept per process, most recently used
PLAN_CACHE_SIZE = 4096  # parsed, corrected queries with their filters


@dataclass
class _Entry:
    page: SearchPage
    body: bytes | None = None  # the page's JSON, made on first request


@dataclass(frozen=True)
class _Plan:
    selected: dict[str, list[str]]
    query: Query | None
    sort: Sort
    filters: Filters
    did_you_mean: str | None
    text: str  # what is searched for, corrected (for ranking by meaning)


def _highlights(case_study: CaseStudy, terms: frozenset[str]) -> dict[str, str]:
    """Title and summary marked up whole; from the body (and outcomes) the sentence that holds
    the most matched words, unless it only restates the summary shown above it."""
    marked = {
        "title": snippet(case_study.title, terms, whole=True),
        "summary": snippet(case_study.summary, terms, whole=True),
        "body": passage(
            (*markdown_passages(case_study.body), *case_study.outcomes),
            terms,
            besides=case_study.summary,
        ),
    }
    return {name: text for name, text in marked.items() if text}


def _result(case_study: CaseStudy, base_url: str, terms: frozenset[str]) -> SearchResult:
    highlights = _highlights(case_study, terms) if terms else {}
    return SearchResult(
        slug=case_study.slug,
        title=case_study.title,
        council=case_study.council,
        region=case_study.region,
        summary=case_study.summary,
        priority_areas=case_study.tag_values("priority_areas"),
        age_bands=case_study.tag_values("age_bands"),
        themes=case_study.tag_values("themes"),
        evidence=case_study.evidence,  # type: ignore[arg-type]
        published=case_study.published,
        last_reviewed=case_study.last_reviewed,
        source_url=case_study.source_url,
        url=f"{base_url}/api/v1/case-studies/{case_study.slug}",
        highlights=highlights,
    )


class SearchService:
    """Searches the index and loads what it found from the store, filtered again to published."""

    def __init__(
        self,
        index: SearchIndex,
        vocabulary: Vocabulary,
        counter: QueryCounter | None = None,
        metrics: Metrics | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self.counter = counter
        self.metrics = metrics
        self.cache_size = cache_size
        self._cache: LRUCache[tuple[Any, ...], _Entry] = LRUCache(max(cache_size, 1))
        self._plans: LRUCache[tuple[Any, ...], _Plan] = LRUCache(PLAN_CACHE_SIZE)
        self._cache_lock = threading.Lock()
        self.queries = QueryBuilder(index.schema)
        self._words = make_word_analyzer()
        self._catalogue: Catalogue | None = None
        self._suggesters: dict[str, Suggester] = {}
        self._councils: dict[str, str] = {}

    def correct(self, text: str) -> str | None:
        """Return text with the words no published case study contains corrected, or None."""
        text = clean(text)
        spans: list[tuple[re.Match[str], str]] = []
        for match in _CHECKABLE.finditer(text):
            word = match.group()
            if word in _OPERATORS or self.queries.thesaurus.knows(word):
                continue
            tokens = [t.text for t in self._words(word)]
            if len(tokens) == 1:
                spans.append((match, tokens[0]))
        fixes = self.index.corrections({folded for _, folded in spans})
        if not fixes:
            return None
        for match, folded in reversed(spans):
            if folded in fixes:
                fix = fixes[folded]
                fix = fix.capitalize() if match.group()[0].isupper() else fix
                text = text[: match.start()] + fix + text[match.end() :]
        return text

    def _plan(self, request: SearchRequest) -> "_Plan":
        """What to search for: validated filters, the corrected and expanded query. Kept per
        index version (spelling corrections depend on what is indexed), so paging through a
        search or asking it again does not parse and correct it again."""
        key = (self.index.version, request.plan_key())
        with self._cache_lock:
            plan = self._plans.get(key)
        if plan is None:
            plan = self._make_plan(request)
            with self._cache_lock:
                self._plans[key] = plan
        return plan

    def _make_plan(self, request: SearchRequest) -> "_Plan":
        selected = validated(self.vocabulary, request)
        age_bands(self.vocabulary, selected, request.age)
        # A word that no published case study contains cannot add a result; searching for the
        # likeliest intended word instead can only find more, so the corrected query is used.
        did_you_mean = self.correct(request.q)
        query = self.queries.build(did_you_mean or request.q)
        sort: Sort = request.sort or ("relevance" if query is not None else "newest")
        councils = list(dict.fromkeys(council_key(c) for c in request.councils if c.strip()))
        if request.measured is not None:
            selected["measured"] = ["true" if request.measured else "false"]
        filters = Filters(
            values=selected,
            councils=councils,
            year_from=request.published_from,
            year_to=request.published_to,
        )
        return _Plan(
            {**selected, "council": councils},
            query,
            sort,
            filters,
            did_you_mean,
            clean(did_you_mean or request.q),
        )

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def search(self, session: Session, request: SearchRequest, base_url: str) -> SearchPage:
        return self._entry(session, request, base_url).page

    def search_json(
        self, session: Session, request: SearchRequest, base_url: str, explain: bool = False
    ) -> bytes:
        """The search page as JSON, serialised once per cached page (the widget's case)."""
        if explain:
            return self.explained(session, request, base_url).model_dump_json().encode()
        entry = self._entry(session, request, base_url)
        if entry.body is None:
            entry.body = entry.page.model_dump_json().encode()
        return entry.body

    def _entry(self, session: Session, request: SearchRequest, base_url: str) -> "_Entry":
        """A page of results: from the cache when the index has not changed since the same
        search was answered (the embedded widget asks the same thing over and over), else
        worked out afresh. The index's version is part of the key, so a publish is never
        answered from an older page."""
        key = (self.index.current_version(), base_url, request.key())
        with self._cache_lock:
            entry = self._cache.get(key)
        if entry is None:
            entry = _Entry(self._search(session, request, base_url))
            if self.cache_size:
                with self._cache_lock:
                    self._cache[key] = entry
        if self.counter is not None and request.page == 1:
            self.counter.record(request.q, entry.page.total)
        if self.metrics is not None:
            self.metrics.searches.inc()
            if not entry.page.total:
                self.metrics.zero_results.inc()
        return entry

    def _search(self, session: Session, request: SearchRequest, base_url: str) -> SearchPage:
        plan = self._plan(request)
        offset = (request.page - 1) * request.per_page
        hits = self.index.search(
            plan.query, plan.filters, plan.sort, offset, request.per_page, plan.text
        )
        rows = store.list_published_by_slug(session, hits.slugs)
        return SearchPage(
            q=request.q,
            did_you_mean=plan.did_you_mean,
            corrected=plan.did_you_mean is not None,
            sort=plan.sort,
            total=hits.total,
            page=request.page,
            per_page=request.per_page,
            pages=math.ceil(hits.total / request.per_page),
            results=[_result(row, base_url, hits.terms) for row in rows],
            facets=facets(self.vocabulary, hits.facets, plan.selected, self.council_names()),
        )

    def explained(self, session: Session, request: SearchRequest, base_url: str) -> SearchPage:
        """The page with why each result ranks where it does: worked out afresh each time
        (it is for looking into the ranking, not for every visitor) and not counted."""
        page = self._search(session, request, base_url)
        plan = self._plan(request)
        if plan.query is None or plan.sort != "relevance":
            return page
        slugs = [result.slug for result in page.results]
        why = self.index.explain(plan.query, plan.filters, slugs, plan.text)
        ignored = self.queries.ignored(plan.text, plan.query)
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
        plan = self._plan(request)
        hits = self.index.search(plan.query, plan.filters, plan.sort, 0, limit, plan.text)
        found: list[CaseStudy] = []
        for start in range(0, len(hits.slugs), 500):
            found += store.list_published_by_slug(session, hits.slugs[start : start + 500])
        return found

    def related(self, session: Session, slug: str, base_url: str, limit: int) -> RelatedPage:
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
        rows = store.list_published_by_slug(session, slugs)
        return RelatedPage(slug=slug, results=[_result(row, base_url, frozenset()) for row in rows])

    def _current_catalogue(self) -> Catalogue:
        catalogue = self.index.catalogue()
        if catalogue is not self._catalogue:  # the index changed: start afresh
            names = {council_key(name): name for name in catalogue.councils}
            self._catalogue, self._suggesters, self._councils = catalogue, {}, names
        return catalogue

    def council_names(self) -> dict[str, str]:
        """Each published council's name, by its key in the index."""
        self._current_catalogue()
        return self._councils

    def published_years(self) -> list[int]:
        """The years case studies were published in, earliest first (a year filter's choices)."""
        return self._current_catalogue().years

    def suggest(self, prefix: str, base_url: str, limit: int) -> SuggestPage:
        catalogue = self._current_catalogue()
        suggester = self._suggesters.get(base_url)
        if suggester is None:
            suggester = self._suggesters[base_url] = Suggester(catalogue, self.vocabulary, base_url)
        return SuggestPage(q=prefix, suggestions=suggester.suggest(prefix, limit))
