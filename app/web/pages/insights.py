"""Coverage and use, for the campaign team: /moderation/coverage shows the published collection
as a heat map (priority area by age band, and by theme) with the counts in every cell;
/moderation/searches shows what practitioners searched for, day by day and most often, and what
found nothing, as SVG charts each with its table."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.services.analytics import (
    QueryCounter,
    coverage_report,
    query_report,
    query_series,
    query_trend,
)
from app.web.deps import ModeratorUserDep, SessionDep, VocabularyDep, csrf_protect
from app.web.pages import charts
from app.web.pages.moderation_nav import render_moderation

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
SERIES = 5  # the queries drawn day by day
PERIODS = (7, 30, 90)  # the periods offered; any from 1 to 366 days is answered


@router.get("/moderation/coverage")
def coverage(
    request: Request, session: SessionDep, vocabulary: VocabularyDep, account: ModeratorUserDep
) -> Response:
    report = coverage_report(session, vocabulary)
    cells = [c.count for row in report.priority_area_by_age_band for c in row.counts]
    most_theme = max((t.count for t in report.themes), default=0)
    context = {
        "report": report,
        "heat": charts.heat,
        "most": max(cells, default=0),
        "most_theme": most_theme,
        "label": vocabulary.label,
    }
    return render_moderation(request, "coverage.html", "/moderation/coverage", context)


@router.get("/moderation/searches")
def searches(
    request: Request,
    session: SessionDep,
    account: ModeratorUserDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Response:
    counter: QueryCounter = request.app.state.queries
    counter.flush()  # what was searched a moment ago is in the figures
    report = query_report(session, days, 20)
    trend = query_trend(session, days)
    popular = [s.query for s in report.top[:SERIES]]
    missing = [s.query for s in report.zero_results[:SERIES]]
    series = query_series(session, days, list(dict.fromkeys(popular + missing)))
    context = {
        "days": days,
        "periods": PERIODS,
        "report": report,
        "trend": trend,
        "daily": charts.daily(trend),
        "top": charts.ranked(report.top),
        "missing": charts.ranked(report.zero_results, zero=True),
        "popular_sparks": charts.sparks({q: series[q] for q in popular}),
        "missing_sparks": charts.sparks({q: series[q] for q in missing}, zero=True),
        "series": series,
    }
    return render_moderation(request, "searches.html", "/moderation/searches", context)
