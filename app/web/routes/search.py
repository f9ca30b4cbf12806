"""GET /api/v1/search (full-text search with filters, facets, highlights and pagination) and
GET /api/v1/suggest (type-ahead)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.core.results import SearchPage
from app.services.filters import SearchRequest
from app.web import search_route
from app.web.deps import BaseUrlDep, SearchDep, Searching, SearchingDep
from app.web.middleware.etags import etag_of
from app.web.presenters import search_page_json, suggest_public
from app.web.routes.params import search_params
from app.web.schemas import SearchPagePublic, SuggestPagePublic

router = APIRouter(prefix="/api/v1", tags=["search"])


@search_route.get(router, "/search", response_model=SearchPagePublic)  # its query read in one step
async def search(
    searching: SearchingDep,
    request: Annotated[SearchRequest, Depends(search_params)],
    explain: Annotated[
        bool,
        Query(
            description="Add to each result why it ranks where it does: the words and fields "
            "matched, the synonyms and everyday words used, and each part of the score"
        ),
    ] = False,
) -> Response:
    """Search published case studies.

    Without `q`, lists every case study, newest first. Repeat a filter to select several values
    (they are ORed); different filters are ANDed. `age` selects the age bands that contain a
    child's age. Facet counts are disjunctive: choosing a value keeps its siblings' counts, so a
    page can show what each other choice would give. Snippets in `highlights` are HTML-escaped
    with matches in `<mark>`.

    The sector's acronyms and synonyms are searched for too ("CAMHS" finds "child and adolescent
    mental health services"), and age words ("toddlers", "teenagers", "care leavers") lift case
    studies for those ages. A word that no published case study contains is replaced by the
    likeliest intended word: `did_you_mean` gives the corrected query and `corrected` says the
    results are for it. Everyday words ("kids", "foster parents") also search for the sector's
    words for them; question and filler words ("how", "other councils") are not searched for on
    their own. `explain=true` says, for each result, why it ranks where it does.
    """

    service, base_url = searching.service, searching.base_url
    if not explain and searching.local and service.keeps_pages:
        # A page kept, and still current by the change log's head read first, is answered here
        # on the event loop: handing it to a thread cost more than the rest of it (issue 19).
        # Only when the head is a local file's read (SQLite); PostgreSQL's waits on the network.
        with searching.open_session() as session:
            kept = service.kept(session, request, base_url)
        if kept is not None:
            return _json(*kept)
    return await run_in_threadpool(_searched, searching, request, explain)


def _searched(searching: Searching, request: SearchRequest, explain: bool) -> Response:
    """The search worked out (or its kept page found) in a thread of the pool."""
    service, base_url = searching.service, searching.base_url

    # Encoded once per cached page and origin (without FastAPI validating it again), and
    # hashed for its ETag once with it (the ETags middleware then passes the body through).
    def render(page: SearchPage) -> tuple[bytes, str]:
        body = search_page_json(page, base_url)
        return body, etag_of(body)

    with searching.open_session() as session:
        if explain:  # worked out afresh each time: not cached, not counted
            body, etag = render(service.explained(session, request))
        else:
            body, etag = service.rendered(session, request, base_url, render)
    return _json(body, etag)


def _json(body: bytes, etag: str) -> Response:
    return Response(body, media_type="application/json", headers={"ETag": etag})


@router.get("/suggest", response_model=SuggestPagePublic)
def suggest(
    service: SearchDep,
    base_url: BaseUrlDep,
    q: Annotated[
        str, Query(min_length=1, max_length=100, description="What has been typed so far")
    ],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> SuggestPagePublic:
    """Completions for a search box: themes, programmes, councils and case study titles with a
    word starting with `q`, whole-name matches first. Each comes with the API request it leads
    to. Cheap enough to call on every keystroke."""
    return suggest_public(service.suggest(q, limit), base_url)
