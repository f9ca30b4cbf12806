"""The search parameters, declared once for every route that searches: the JSON API, the CSV
export, the Atom feed, the search page and the embed page."""

from typing import Annotated

from fastapi import Path, Query

from app.search.index import Sort
from app.search.query import MAX_QUERY_CHARS
from app.services.filters import SearchRequest

Many = Annotated[list[str], Query(max_length=50)]
RecordId = Annotated[int, Path(ge=1, le=2**62, description="The submission's id")]


async def search_params(
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
    measured: Annotated[
        bool | None,
        Query(
            description="`true`: only case studies that report a measured outcome; `false`: "
            "only those that do not yet"
        ),
    ] = None,
    sort: Sort | None = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchRequest:
    return SearchRequest(
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
        measured=measured,
        sort=sort,
        page=page,
        per_page=per_page,
    )
