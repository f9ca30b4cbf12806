"""GET /api/v1/search (full-text search with filters, facets, highlights and pagination) and
GET /api/v1/suggest (type-ahead)."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import BaseUrlDep, SearchDep, SessionDep
from app.schemas import SearchPage, SuggestPage
from app.search.index import Sort
from app.search.query import MAX_QUERY_CHARS
from app.services.search import SearchRequest

router = APIRouter(prefix="/api/v1", tags=["search"])

Many = Annotated[list[str], Query(max_length=50)]


@router.get("/search", response_model=SearchPage)
def search(
    session: SessionDep,
    service: SearchDep,
    base_url: BaseUrlDep,
    q: Annotated[
        str, Query(max_length=MAX_QUERY_CHARS, description="What to look for; phrases in quotes")
    ] = "",
    priority_area: Many = [],  # noqa: B006  (FastAPI copies defaults)
    age_band: Many = [],  # noqa: B006
    age: Annotated[int | None, Query(ge=0, le=25, description="A child's age in years")] = None,
    theme: Many = [],  # noqa: B006
    region: Many = [],  # noqa: B006
    council: Many = [],  # noqa: B006
    evidence: Many = [],  # noqa: B006
    published_from: Annotated[int | None, Query(ge=1900, le=2100, description="Year")] = None,
    published_to: Annotated[int | None, Query(ge=1900, le=2100, description="Year")] = None,
    sort: Sort | None = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchPage:
    """Search published case studies.

    Without `q`, lists every case study, newest first. Repeat a filter to select several values
    (they are ORed); different filters are ANDed. `age` selects the age bands that contain a
    child's age. Facet counts are disjunctive: choosing a value keeps its siblings' counts, so a
    page can show what each other choice would give. Snippets in `highlights` are HTML-escaped
    with matches in `<mark>`.
    """
    request = SearchRequest(
        q=q,
        filters={
            "priority_area": priority_area,
            "age_band": age_band,
            "theme": theme,
            "region": region,
            "evidence": evidence,
        },
        age=age,
        councils=council,
        published_from=published_from,
        published_to=published_to,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return service.search(session, request, base_url)


@router.get("/suggest", response_model=SuggestPage)
def suggest(
    service: SearchDep,
    base_url: BaseUrlDep,
    q: Annotated[
        str, Query(min_length=1, max_length=100, description="What has been typed so far")
    ],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> SuggestPage:
    """Completions for a search box: themes, programmes, councils and case study titles with a
    word starting with `q`, whole-name matches first. Each comes with the API request it leads
    to. Cheap enough to call on every keystroke."""
    return service.suggest(q, base_url, limit)
