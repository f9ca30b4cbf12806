"""The app's routes, in the order they are matched, made once per process: every app the process
starts (a worker's, each test's) shares them."""

import copy
import functools
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.web.pages import accounts, api_docs, councils, my_submissions, people
from app.web.pages import alerts as alert_pages
from app.web.pages import amendments as amendment_pages
from app.web.pages import api_keys as api_key_pages
from app.web.pages import best_bets as best_bet_pages
from app.web.pages import campaign_changes as campaign_change_pages
from app.web.pages import case_studies as case_study_pages
from app.web.pages import decisions as decision_pages
from app.web.pages import embed as embed_pages
from app.web.pages import embed_sites as embed_site_pages
from app.web.pages import insights as insight_pages
from app.web.pages import moderation as moderation_pages
from app.web.pages import reviews as review_pages
from app.web.pages import search as pages
from app.web.pages import stale as stale_pages
from app.web.pages import submit as submit_pages
from app.web.pages import submit_check as submit_check_pages
from app.web.pages import synonyms as synonym_pages
from app.web.problems import PROBLEM_JSON
from app.web.routes import (
    alerts,
    amendments,
    analytics,
    best_bets,
    case_studies,
    embed_origins,
    feeds,
    health,
    moderation,
    search,
    submissions,
    synonyms,
)

_PROBLEMS = {
    400: "The body could not be read, or the Host is not one this service answers for",
    401: "No API key, or a wrong or revoked one",
    403: "The key's role may not do this",
    404: "Not found (or not this key's to see)",
    409: "Conflicts with the current state",
    413: "The body is too large",
    431: "The request's headers are too large",
    422: "A parameter or field is invalid; `errors` points at each",
    429: "Too many requests; see Retry-After",
    503: "Not ready or rebuilding the index; see Retry-After",
}
# Every operation may answer any of these, always as application/problem+json.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": text,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, text in _PROBLEMS.items()
}


# Matched in this order, the searches (API and page) first. No two routers serve the same path.
ROUTERS = (
    search,
    pages,
    case_studies,
    submissions,
    moderation,
    amendments,
    analytics,
    health,
    feeds,
    case_study_pages,
    api_docs,
    accounts,
    my_submissions,
    people,
    councils,
    embed_origins,
    embed_pages,
    submit_pages,
    submit_check_pages,
    alerts,
    alert_pages,
    moderation_pages,
    decision_pages,
    amendment_pages,
    insight_pages,
    api_key_pages,
    embed_site_pages,
    synonyms,
    best_bets,
    synonym_pages,
    best_bet_pages,
    review_pages,
    stale_pages,
    campaign_change_pages,
)


@functools.cache
def routes() -> tuple[BaseRoute, ...]:
    """Every router's routes, in order, each with the problem responses any operation may give,
    made once per process and shared by its apps. include_router would do the same, but FastAPI
    builds an included router's routes again for each app, on its first request: ~0.4 s of CPU
    (measured), at a worker's first request and in every test that starts an app."""
    found: list[BaseRoute] = []
    for module in ROUTERS:
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                route = copy.copy(route)  # the router's own stays as declared
                route.responses = {**PROBLEM_RESPONSES, **route.responses}
            found.append(route)
    return tuple(found)
