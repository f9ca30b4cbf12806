"""Search use case: validate filters, query the index, load the hits from the store in order."""

import math
from dataclasses import dataclass, field

from sqlmodel import Session

from app import store
from app.errors import InvalidParameter
from app.models import CaseStudy
from app.rendering import markdown_to_text
from app.schemas import Facets, FacetValue, SearchPage, SearchResult
from app.search.highlight import snippet
from app.search.index import Filters, SearchIndex, Sort
from app.search.query import make_parser, parse
from app.search.schema import council_key
from app.vocabulary import Vocabulary

# API filter name -> vocabulary kind
FILTER_KINDS = {
    "priority_area": "priority_areas",
    "age_band": "age_bands",
    "theme": "themes",
    "region": "regions",
    "evidence": "evidence",
}


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    age: int | None = None
    councils: list[str] = field(default_factory=list)
    published_from: int | None = None
    published_to: int | None = None
    sort: Sort | None = None
    page: int = 1
    per_page: int = 10


def _shown(value: str, limit: int = 60) -> str:
    """Quote a value for an error message, cut short so a huge one does not echo back whole."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _validated(vocabulary: Vocabulary, request: SearchRequest) -> dict[str, list[str]]:
    """Return the filters as vocabulary slugs; raise InvalidParameter listing allowed values."""
    selected: dict[str, list[str]] = {}
    errors: list[dict[str, str]] = []
    for name, values in request.filters.items():
        kind = FILTER_KINDS[name]
        slugs: list[str] = []
        for value in values:
            slug = vocabulary.region_slug(value) if kind == "regions" else value.strip().lower()
            if slug is None or vocabulary.find(kind, slug) is None:
                allowed = ", ".join(vocabulary.slugs(kind))
                errors.append(
                    {
                        "detail": f"{name}: unknown value {_shown(value)}; allowed: {allowed}",
                        "pointer": f"#/query/{name}",
                    }
                )
            else:
                slugs.append(slug)
        selected[name] = list(dict.fromkeys(slugs))
    if (
        request.published_from
        and request.published_to
        and request.published_from > request.published_to
    ):
        errors.append(
            {
                "detail": "published_from is after published_to; swap them",
                "pointer": "#/query/published_from",
            }
        )
    if errors:
        raise InvalidParameter("; ".join(e["detail"] for e in errors), errors)
    return selected


def _age_bands(vocabulary: Vocabulary, selected: dict[str, list[str]], age: int | None) -> None:
    """Fold a child's age into the age band filter: bands that contain it, AND any bands chosen."""
    if age is None:
        return
    bands = vocabulary.bands_for_age(age)
    chosen = selected.get("age_band")
    selected["age_band"] = [b for b in chosen if b in bands] if chosen else bands
    if not selected["age_band"]:
        selected["age_band"] = ["-none-"]  # the chosen bands exclude that age: match nothing


def _facets(
    vocabulary: Vocabulary, counts: dict[str, dict[str, int]], selected: dict[str, list[str]]
) -> Facets:
    def values(name: str) -> list[FacetValue]:
        chosen = set(selected.get(name, []))
        kind = FILTER_KINDS[name]
        found = [
            FacetValue(
                value=t.slug,
                label=t.label,
                count=counts[name].get(t.slug, 0),
                selected=t.slug in chosen,
            )
            for t in vocabulary.terms(kind)
            if counts[name].get(t.slug) or t.slug in chosen
        ]
        return sorted(found, key=lambda f: -f.count)  # stable: vocabulary order among equals

    return Facets(**{name: values(name) for name in FILTER_KINDS})


def _result(case_study: CaseStudy, base_url: str, terms: frozenset[str]) -> SearchResult:
    highlights: dict[str, str] = {}
    for name, text, whole in (
        ("title", case_study.title, True),
        ("summary", case_study.summary, True),
        ("body", markdown_to_text(case_study.body), False),
    ):
        marked = snippet(text, terms, whole=whole)
        if marked:
            highlights[name] = marked
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
        source_url=case_study.source_url,
        url=f"{base_url}/api/v1/case-studies/{case_study.slug}",
        highlights=highlights,
    )


class SearchService:
    """Searches the index and loads what it found from the store, filtered again to published."""

    def __init__(self, index: SearchIndex, vocabulary: Vocabulary) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self.parser = make_parser(index.schema)

    def search(self, session: Session, request: SearchRequest, base_url: str) -> SearchPage:
        selected = _validated(self.vocabulary, request)
        _age_bands(self.vocabulary, selected, request.age)
        query = parse(self.parser, request.q)
        sort: Sort = request.sort or ("relevance" if query is not None else "newest")
        filters = Filters(
            values=selected,
            councils=[council_key(c) for c in request.councils if c.strip()],
            year_from=request.published_from,
            year_to=request.published_to,
        )
        offset = (request.page - 1) * request.per_page
        hits = self.index.search(query, filters, sort, offset, request.per_page)
        rows = store.list_published_by_slug(session, hits.slugs)
        return SearchPage(
            q=request.q,
            sort=sort,
            total=hits.total,
            page=request.page,
            per_page=request.per_page,
            pages=math.ceil(hits.total / request.per_page),
            results=[_result(row, base_url, hits.terms) for row in rows],
            facets=_facets(self.vocabulary, hits.facets, selected),
        )
