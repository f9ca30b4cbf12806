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

from app.core import safeguarding
from app.core.names import normal_name
from app.core.reports import (
    CoverageCell,
    CoverageReport,
    CoverageRow,
    CoverageTerm,
    DayCount,
    QueryReport,
    QueryStat,
)
from app.core.vocabulary import Vocabulary
from app.services.periodic import Periodic
from app.store import analytics as counts
from app.store.case_studies import count_case_studies, published_counts
from app.store.db import Engine, Session

log = logging.getLogger(__name__)
MAX_QUERY = 200
# Distinct (day, query, found nothing) counts held while they wait to be written: while the
# store is unreachable they are kept for the next try, but no more than this many (a query is at
# most MAX_QUERY characters: about 5 MB at worst). A search for a query not yet held is then
# left uncounted, and how many were is logged.
MAX_PENDING = 5_000
# What points at one person in a search box beyond the safeguarding check's findings (written
# for case studies): an address however it is spelt ("jo(at)…", "jo @ leeds", "@jo"), a run of
# nine or more digits (an NHS number, a pupil number, a phone number), a National Insurance
# number, and a postcode as typed on a phone ("ls6 2qt", "sw1a1aa"). A search is short: one that
# only looks like these is no loss to the counts.
_IDENTIFIES = re.compile(
    r"@\s*\w|\w\s*[(\[]at[)\]]"
    # an address spelt out: "jo.bloggs at gmail dot com", "jo.bloggs at leeds.gov.uk"
    r"|\w\s+at\s+\S+\s+dot\s+\w|\w\s+at\s+[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk)\b"
    r"|\d(?:[\s-]?\d){8}"
    r"|\b[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d]\b",
    re.IGNORECASE,
)


# Control characters (a NUL from a robot, a pasted tab or line break): not words anyone reads.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise(query: str) -> str:
    return normal_name(_CONTROL.sub(" ", query))[:MAX_QUERY]


# Queries found not to look like personal data, so that a query asked again is not checked
# again (the safeguarding check is some 17 µs, a few per cent of a warm search's CPU, issue
# 19). Only those: a query that does look personal is never kept, here or anywhere. When
# full, they are let go.
_CLEAN_KEPT = 4_096
_clean: set[str] = set()


def personal(query: str) -> bool:
    if query in _clean:
        return False
    # As it reads: a zero-width space or a full-width "＠" inside an address or a number hid it.
    seen = safeguarding.as_read(query)
    found = bool(
        _IDENTIFIES.search(seen)
        or safeguarding.POSTCODE.search(seen.upper())
        or safeguarding.check_text("q", seen)
        # The check reads names and streets by their capitals, which a search box seldom has:
        # "chloe smith aged 15", "14 acacia avenue" are read as typed with capitals too.
        or safeguarding.check_text("q", seen.title())
    )
    if not found:
        if len(_clean) >= _CLEAN_KEPT:
            _clean.clear()
        _clean.add(query)
    return found


class QueryCounter:
    """Counts searches in memory; flush() adds them to the store."""

    def __init__(self, engine: Engine, interval: float = 5.0) -> None:
        self.engine = engine
        self.interval = interval
        self._lock = threading.Lock()
        self._pending: Counter[tuple[date, str, bool]] = Counter()
        self.dropped = 0  # searches left uncounted since the last report, the buffer being full
        failed = "could not write query counts"  # flush() keeps them and logs this itself
        self._rounds = Periodic("query-counter", interval, self.flush, log, failed)

    def record(self, query: str, total: int) -> None:
        text = normalise(query)
        if not text or personal(query):
            return
        key = (date.today(), text, total == 0)
        with self._lock:
            if key in self._pending or len(self._pending) < MAX_PENDING:
                self._pending[key] += 1
            else:
                self.dropped += 1

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            dropped, self.dropped = self.dropped, 0
        if dropped:
            log.warning(
                "%d searches were not counted: %d distinct queries were already waiting to be "
                "written",
                dropped,
                MAX_PENDING,
            )
        if not pending:
            return
        try:
            with Session(self.engine) as session:
                counts.add_query_counts(session, pending)
        except Exception:  # keep the counts for the next try rather than lose them
            log.exception("could not write query counts")
            with self._lock:
                # Those counted meanwhile join them, within the same bound: the oldest first.
                for key, count in self._pending.items():
                    if key in pending or len(pending) < MAX_PENDING:
                        pending[key] += count
                    else:
                        self.dropped += count
                self._pending = pending

    def start(self) -> None:
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()
        self.flush()


def query_report(session: Session, days: int, limit: int) -> QueryReport:
    """The most frequent queries and the most frequent zero-result queries over recent days."""
    start = date.today() - timedelta(days=days - 1)
    (searches, zero), top, missing = counts.query_counts(session, start, limit)
    return QueryReport(
        start=start,
        end=date.today(),
        searches=searches,
        zero_result_searches=zero,
        top=[QueryStat(query=q, searches=s, zero_results=z) for q, s, z in top],
        zero_results=[QueryStat(query=q, searches=s, zero_results=z) for q, s, z in missing],
    )


def query_trend(session: Session, days: int) -> list[DayCount]:
    """Searches and zero-result searches on each of the last `days` days, quiet days as 0."""
    start = date.today() - timedelta(days=days - 1)
    totals = counts.daily_totals(session, start)
    every = (start + timedelta(days=n) for n in range(days))
    return [
        DayCount(day=d, searches=totals.get(d, (0, 0))[0], zero_results=totals.get(d, (0, 0))[1])
        for d in every
    ]


def query_series(session: Session, days: int, queries: list[str]) -> dict[str, list[DayCount]]:
    """Each query's searches and zero-result searches per day over the last `days` days."""
    start = date.today() - timedelta(days=days - 1)
    found = counts.daily_query_counts(session, start, queries)
    every = [start + timedelta(days=n) for n in range(days)]
    return {
        q: [
            DayCount(
                day=d,
                searches=found.get((q, d), (0, 0))[0],
                zero_results=found.get((q, d), (0, 0))[1],
            )
            for d in every
        ]
        for q in queries
    }


def coverage_report(session: Session, vocabulary: Vocabulary) -> CoverageReport:
    """Published case studies by priority area x age band, and by theme."""
    matrix = counts.priority_by_age_band(session)
    tags = published_counts(session)
    total = count_case_studies(session, published_only=True)
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
            CoverageTerm(slug=b.slug, label=b.label, count=tags["age_bands"][b.slug]) for b in bands
        ],
        priority_area_by_age_band=rows,
        themes=sorted(
            (
                CoverageTerm(slug=t.slug, label=t.label, count=tags["themes"][t.slug])
                for t in vocabulary.terms("themes")
            ),
            key=lambda t: t.count,
        ),
        thinnest=[g for g in gaps if g.count == gaps[0].count] if gaps else [],
    )
