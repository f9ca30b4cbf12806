"""What practitioners search for and cannot find, and where the collection has gaps.

Searches are counted per day by query text: the text (normalised) and whether anything was found
— never who searched. Counts are buffered in memory and written every few seconds by a
background thread, so a search never waits on a write. A query that itself looks like personal
data (a phone number, an address, a date of birth, an e-mail address) is not recorded.
"""

import logging
import re
import threading
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import and_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.core import safeguarding
from app.core.content import (
    CoverageCell,
    CoverageReport,
    CoverageRow,
    CoverageTerm,
    QueryReport,
    QueryStat,
)
from app.core.vocabulary import Vocabulary
from app.store.case_studies import PUBLISHED, published_counts
from app.store.models import CaseStudy, CaseStudyTag, QueryCount

log = logging.getLogger(__name__)
MAX_QUERY = 200
_EMAIL = re.compile(r"\S+@\S+\.\w+")


def normalise(query: str) -> str:
    return " ".join(query.casefold().split())[:MAX_QUERY]


def personal(query: str) -> bool:
    return bool(_EMAIL.search(query) or safeguarding.check_text("q", query))


class QueryCounter:
    """Counts searches in memory; flush() adds them to the store."""

    def __init__(self, engine: Engine, interval: float = 5.0) -> None:
        self.engine = engine
        self.interval = interval
        self._lock = threading.Lock()
        self._pending: Counter[tuple[date, str, bool]] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="query-counter", daemon=True)

    def record(self, query: str, total: int) -> None:
        text = normalise(query)
        if not text or personal(query):
            return
        with self._lock:
            self._pending[(date.today(), text, total == 0)] += 1

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        try:
            with Session(self.engine) as session:
                for (day, text, zero), n in pending.items():
                    row = session.exec(
                        select(QueryCount).where(QueryCount.day == day, QueryCount.query == text)
                    ).first() or QueryCount(day=day, query=text)
                    row.searches += n
                    row.zero_results += n if zero else 0
                    session.add(row)
                session.commit()
        except Exception:  # keep the counts for the next try rather than lose them
            log.exception("could not write query counts")
            with self._lock:
                self._pending.update(pending)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()


def query_report(session: Session, days: int, limit: int) -> QueryReport:
    """The most frequent queries and the most frequent zero-result queries over recent days."""
    start = date.today() - timedelta(days=days - 1)
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
    return QueryReport(
        start=start,
        end=date.today(),
        searches=int(totals[0] or 0),
        zero_result_searches=int(totals[1] or 0),
        top=[QueryStat(query=q, searches=int(s), zero_results=int(z)) for q, s, z in top],
        zero_results=[
            QueryStat(query=q, searches=int(s), zero_results=int(z)) for q, s, z in missing
        ],
    )


def coverage_report(session: Session, vocabulary: Vocabulary) -> CoverageReport:
    """Published case studies by priority area x age band, and by theme."""
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
    matrix = {(a, b): int(n) for a, b, n in cells}
    counts = published_counts(session)
    total = session.exec(
        select(func.count()).select_from(CaseStudy).where(CaseStudy.status == PUBLISHED)
    ).one()
    bands = vocabulary.terms("age_bands")
    rows = [
        CoverageRow(
            priority_area=a.slug,
            label=a.label,
            counts=[
                CoverageCell(age_band=b.slug, count=matrix.get((a.slug, b.slug), 0)) for b in bands
            ],
        )
        for a in vocabulary.terms("priority_areas")
    ]
    gaps = sorted(
        (
            CoverageCell(age_band=cell.age_band, count=cell.count, priority_area=row.priority_area)
            for row in rows
            for cell in row.counts
        ),
        key=lambda c: c.count,
    )
    return CoverageReport(
        published=int(total),
        age_bands=[
            CoverageTerm(slug=b.slug, label=b.label, count=counts["age_bands"][b.slug])
            for b in bands
        ],
        priority_area_by_age_band=rows,
        themes=sorted(
            (
                CoverageTerm(slug=t.slug, label=t.label, count=counts["themes"][t.slug])
                for t in vocabulary.terms("themes")
            ),
            key=lambda t: t.count,
        ),
        thinnest=[g for g in gaps if g.count == gaps[0].count] if gaps else [],
    )
