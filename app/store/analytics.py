"""Query counts (per day, by normalised text, never who searched) and coverage counts."""

from collections import Counter
from datetime import date

from sqlalchemy import and_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.store.case_studies import PUBLISHED
from app.store.models import CaseStudy, CaseStudyTag, QueryCount

QueryRow = tuple[str, int, int]  # query, searches, zero-result searches


def add_query_counts(session: Session, pending: Counter[tuple[date, str, bool]]) -> None:
    """Add buffered counts of (day, query, found nothing) to the store, and commit. One upsert
    for them all: reading each query's row and writing it back through the ORM took 57-72 ms
    of CPU a flush of 60 queries against 2-3 ms (the server's busiest background thread while
    it searches, issue 19), and two processes making the same day's row at once could both
    insert it (the loser's counts then waited for its next flush)."""
    searches: Counter[tuple[date, str]] = Counter()
    zero_results: Counter[tuple[date, str]] = Counter()
    for (day, text, zero), n in pending.items():  # one row a day and query (found or not)
        searches[day, text] += n
        zero_results[day, text] += n if zero else 0
    rows = [
        {"day": day, "query": text, "searches": n, "zero_results": zero_results[day, text]}
        for (day, text), n in searches.items()
    ]
    if rows:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        table = QueryCount.__table__  # type: ignore[attr-defined]
        insert = dialect.insert(table)
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.day, table.c.query],
            set_={
                "searches": table.c.searches + insert.excluded.searches,
                "zero_results": table.c.zero_results + insert.excluded.zero_results,
            },
        )
        session.execute(upsert, rows)
    session.commit()


def query_counts(
    session: Session, start: date, limit: int
) -> tuple[tuple[int, int], list[QueryRow], list[QueryRow]]:
    """Totals since `start`, the most frequent queries and the most frequent zero-result ones."""
    searches = func.sum(QueryCount.searches)
    zero = func.sum(QueryCount.zero_results)
    base = (
        select(QueryCount.query, searches, zero)
        .where(QueryCount.day >= start)
        .group_by(col(QueryCount.query))
    )
    top = session.exec(base.order_by(searches.desc(), col(QueryCount.query)).limit(limit))
    missing = session.exec(
        base.having(zero > 0).order_by(zero.desc(), col(QueryCount.query)).limit(limit)
    )
    totals = session.exec(select(searches, zero).where(QueryCount.day >= start)).one()

    def rows(found: object) -> list[QueryRow]:
        return [(q, int(s), int(z)) for q, s, z in found]  # type: ignore[attr-defined]

    return (int(totals[0] or 0), int(totals[1] or 0)), rows(top), rows(missing)


def daily_totals(session: Session, start: date) -> dict[date, tuple[int, int]]:
    """Searches and zero-result searches on each day since `start` that had any."""
    found = session.exec(
        select(
            col(QueryCount.day), func.sum(QueryCount.searches), func.sum(QueryCount.zero_results)
        )
        .where(QueryCount.day >= start)
        .group_by(col(QueryCount.day))
    )
    return {day: (int(s or 0), int(z or 0)) for day, s, z in found}


def daily_query_counts(
    session: Session, start: date, queries: list[str]
) -> dict[tuple[str, date], tuple[int, int]]:
    """Searches and zero-result searches for each of these queries on each day since `start`."""
    if not queries:
        return {}
    found = session.exec(
        select(QueryCount).where(QueryCount.day >= start, col(QueryCount.query).in_(queries))
    )
    return {(row.query, row.day): (row.searches, row.zero_results) for row in found}


def priority_by_age_band(session: Session) -> dict[tuple[str, str], int]:
    """Published case studies per (priority area, age band)."""
    area, band = aliased(CaseStudyTag), aliased(CaseStudyTag)
    cells = session.exec(
        select(area.value, band.value, func.count(func.distinct(CaseStudy.id)))
        .join(
            area, and_(col(area.case_study_id) == CaseStudy.id, col(area.kind) == "priority_areas")
        )
        .join(band, and_(col(band.case_study_id) == CaseStudy.id, col(band.kind) == "age_bands"))
        .where(CaseStudy.status == PUBLISHED)
        .group_by(area.value, band.value)
    )
    return {(a, b): int(n) for a, b, n in cells}
