"""GET /api/v1/search (full-text search with filters, facets, highlights and pagination) and
GET /api/v1/suggest (type-ahead)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.core.results import SearchPage, SuggestPage
from app.services.filters import SearchRequest
from app.web.deps import BaseUrlDep, SearchDep, SessionDep
from app.web.routes.params import search_params

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchPage)
def search(
    session: SessionDep,
    service: SearchDep,
    base_url: BaseUrlDep,
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
    # The JSON is made once per cached page: a repeated search skips validation and encoding.
    body = service.search_json(session, request, base_url, explain=explain)
    return Response(body, media_type="application/json")


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
