"""For the campaign team: what practitioners search for and cannot find, and the collection's
gaps."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.core.reports import CoverageReport, QueryReport
from app.services.analytics import QueryCounter, coverage_report, query_report
from app.web.deps import ModeratorDep, SessionDep, VocabularyDep

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


async def get_counter(request: Request) -> QueryCounter:
    counter: QueryCounter = request.app.state.queries
    return counter


@router.get("/queries", response_model=QueryReport)
def queries(
    session: SessionDep,
    _principal: ModeratorDep,
    counter: Annotated[QueryCounter, Depends(get_counter)],
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> QueryReport:
    """The most frequent searches and the most frequent searches that found nothing, over the
    last `days` days. Only the query text and counts are kept."""
    counter.flush()
    return query_report(session, days, limit)


@router.get("/coverage", response_model=CoverageReport)
def coverage(
    session: SessionDep, _principal: ModeratorDep, vocabulary: VocabularyDep
) -> CoverageReport:
    """Published case studies by priority area x age band and by theme, thinnest first: what
    to commission next."""
    return coverage_report(session, vocabulary)
