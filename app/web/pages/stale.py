"""Moderators' list of case studies that may be out of date: not checked for
REVIEW_STALE_MONTHS, the longest unchecked first, with each one's latest reminder."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.web.deps import ModeratorUserDep, ReviewsDep, SessionDep, csrf_protect
from app.web.pages.moderation_nav import render_moderation

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
ANSWERS = {"still_current": "Still current", "needs_update": "Needs an update"}
PER_PAGE = 50  # every bundled case study is listed at first (none has a known check)


@router.get("/moderation/stale")
def stale_page(
    request: Request,
    session: SessionDep,
    reviews: ReviewsDep,
    account: ModeratorUserDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    total, rows = reviews.stale(session, page, PER_PAGE)
    months = request.app.state.settings.review_stale_months
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
        "page_link": lambda n: f"/moderation/stale?page={n}",
        "months": months,
        "answers": ANSWERS,
    }
    return render_moderation(request, "stale.html", "/moderation/stale", context)
