"""SQL reads and writes for case studies, as plain functions over a Session.

Functions that write never commit: the caller owns the transaction, so a change and its
change-log row always land together.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Literal

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from app.core.content import CaseStudyFile
from app.core.results import Summary
from app.core.vocabulary import TAG_KINDS
from app.store.changelog import record_change
from app.store.models import CaseStudy, CaseStudyTag, utcnow

PUBLISHED = "published"
Upserted = Literal["created", "updated", "unchanged"]


def content_hash(data: CaseStudyFile) -> str:
    return hashlib.sha256(data.model_dump_json().encode()).hexdigest()


def to_file(case_study: CaseStudy) -> CaseStudyFile:
    """Return the case study as the schema that files and submissions share, exactly as stored.

    Content was validated and cleaned on the way in; it is not cleaned again on the way out, so
    what the public, an export and the index get is what the moderator saw, and a row stored
    under older rules is still served (`indexer export` then `indexer check` finds it).
    """
    return CaseStudyFile.model_construct(
        slug=case_study.slug,
        title=case_study.title,
        council=case_study.council,
        region=case_study.region,
        summary=case_study.summary,
        body=case_study.body,
        outcomes=list(case_study.outcomes),
        has_measured_outcome=bool(case_study.outcomes),
        priority_areas=case_study.tag_values("priority_areas"),
        age_bands=case_study.tag_values("age_bands"),
        themes=case_study.tag_values("themes"),
        programme=case_study.programme,
        partners=list(case_study.partners),
        evidence=case_study.evidence,
        published=case_study.published,
        updated=case_study.updated,
        last_reviewed=case_study.last_reviewed,
        source_url=case_study.source_url,
        status=case_study.status,
    )


def fill_case_study(case_study: CaseStudy, data: CaseStudyFile) -> CaseStudy:
    """Copy content, tags and derived columns onto a row (new or existing)."""
    for name, value in data.model_dump(
        exclude={"slug", "has_measured_outcome", *TAG_KINDS}
    ).items():
        setattr(case_study, name, value)
    case_study.published_year = int(data.published[:4]) if data.published else None
    case_study.content_hash = content_hash(data)
    case_study.modified_at = utcnow()
    case_study.tags = [
        CaseStudyTag(kind=kind, value=value)  # type: ignore[call-arg]  # id set on flush
        for kind in TAG_KINDS
        for value in getattr(data, kind)
    ]
    return case_study


def upsert_case_studies(session: Session, studies: Iterable[CaseStudyFile]) -> Counter[Upserted]:
    """Create or update case studies by slug; log the changes; count what happened.

    The rows already stored are read in one query, and nothing is flushed until the end: a
    lookup per file flushed the previous one each time (half of a cold start's loading).
    """
    studies = list(studies)
    outcome: Counter[Upserted] = Counter()
    with session.no_autoflush:
        for chunk in range(0, len(studies), 500):
            batch = studies[chunk : chunk + 500]
            query = (
                select(CaseStudy)
                .where(col(CaseStudy.slug).in_([s.slug for s in batch]))
                .options(_with_tags())  # type: ignore[arg-type]
            )
            stored = {row.slug: row for row in session.exec(query)}
            for study in batch:
                outcome[_upsert(session, study, stored.get(study.slug))] += 1
    return outcome


def upsert_case_study(session: Session, data: CaseStudyFile) -> Upserted:
    """Create or update a case study by slug; log the change; report what happened."""
    return _upsert(session, data, find_case_study(session, data.slug, published_only=False))


def _upsert(session: Session, data: CaseStudyFile, existing: CaseStudy | None) -> Upserted:
    """A "Still current" given since the file was written is kept: the later check wins."""
    if existing is not None and later(existing.last_reviewed, data.last_reviewed):
        data = data.model_copy(update={"last_reviewed": existing.last_reviewed})
    digest = content_hash(data)
    if existing is not None and existing.content_hash == digest:
        return "unchanged"
    case_study = existing or CaseStudy(slug=data.slug, status=data.status)  # type: ignore[call-arg]
    if existing is not None:  # a new version, counted in SQL so none is lost to a moderator's
        existing.version = CaseStudy.version + 1
    fill_case_study(case_study, data)
    session.add(case_study)
    record_change(session, data.slug)
    return "updated" if existing is not None else "created"


def later(one: str | None, other: str | None) -> bool:
    """Whether partial date `one` is later than `other` (any date is later than none)."""
    return one is not None and (other is None or one > other)


def _with_tags() -> object:
    return selectinload(CaseStudy.tags)  # type: ignore[arg-type]


def find_case_study(
    session: Session, slug: str, *, published_only: bool = True
) -> CaseStudy | None:
    query = select(CaseStudy).where(CaseStudy.slug == slug).options(_with_tags())  # type: ignore[arg-type]
    if published_only:
        query = query.where(CaseStudy.status == PUBLISHED)
    return session.exec(query).first()


def list_published_by_slug(session: Session, slugs: Iterable[str]) -> list[CaseStudy]:
    """Return the published case studies among slugs, in the order given."""
    wanted = list(slugs)
    if not wanted:
        return []
    # The status is checked here, not in SQL: given both, SQLite's planner picks the status
    # index and reads every published row (3 ms at 10k) instead of the handful by slug.
    query = (
        select(CaseStudy).where(col(CaseStudy.slug).in_(wanted)).options(_with_tags())  # type: ignore[arg-type]
    )
    found = {cs.slug: cs for cs in session.exec(query) if cs.status == PUBLISHED}
    return [found[s] for s in wanted if s in found]


_SUMMARY = sql_select(
    col(CaseStudy.id),
    col(CaseStudy.status),
    col(CaseStudy.slug),
    col(CaseStudy.title),
    col(CaseStudy.council),
    col(CaseStudy.region),
    col(CaseStudy.summary),
    col(CaseStudy.body),
    col(CaseStudy.outcomes),
    col(CaseStudy.evidence),
    col(CaseStudy.published),
    col(CaseStudy.last_reviewed),
    col(CaseStudy.source_url),
)
_TAGS = sql_select(
    col(CaseStudyTag.case_study_id), col(CaseStudyTag.kind), col(CaseStudyTag.value)
).order_by(col(CaseStudyTag.id))


def published_summaries(session: Session, slugs: Iterable[str]) -> dict[str, Summary]:
    """The published case studies among slugs, by slug, with only what a result card needs:
    two plain queries, no ORM objects (whole records with their tags were a quarter of a warm
    search over HTTP). The status is checked here, as in list_published_by_slug."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    connection = session.connection()
    rows = [
        row
        for row in connection.execute(_SUMMARY.where(col(CaseStudy.slug).in_(wanted)))
        if row.status == PUBLISHED
    ]
    tags: dict[int, dict[str, list[str]]] = {row.id: {k: [] for k in TAG_KINDS} for row in rows}
    if tags:
        query = _TAGS.where(col(CaseStudyTag.case_study_id).in_(list(tags)))
        for owner, kind, value in connection.execute(query):
            tags[owner].setdefault(kind, []).append(value)
    return {
        row.slug: Summary(
            slug=row.slug,
            title=row.title,
            council=row.council,
            region=row.region,
            summary=row.summary,
            body=row.body,
            outcomes=tuple(row.outcomes),
            priority_areas=tags[row.id]["priority_areas"],
            age_bands=tags[row.id]["age_bands"],
            themes=tags[row.id]["themes"],
            evidence=row.evidence,
            published=row.published,
            last_reviewed=row.last_reviewed,
            source_url=row.source_url,
        )
        for row in rows
    }


def iter_published(session: Session, batch: int = 200) -> Iterator[CaseStudy]:
    """Yield every published case study with its tags, in slug order, a batch at a time."""
    last = ""
    while True:
        query = (
            select(CaseStudy)
            .where(CaseStudy.status == PUBLISHED, CaseStudy.slug > last)
            .order_by(col(CaseStudy.slug))
            .limit(batch)
            .options(_with_tags())  # type: ignore[arg-type]
        )
        rows = list(session.exec(query))
        if not rows:
            return
        yield from rows
        last = rows[-1].slug


def count_case_studies(session: Session, *, published_only: bool = False) -> int:
    query = select(func.count()).select_from(CaseStudy)
    if published_only:
        query = query.where(CaseStudy.status == PUBLISHED)
    return int(session.exec(query).one())


def published_counts(session: Session) -> dict[str, Counter[str]]:
    """Count published case studies per tag value, region and evidence level."""
    counts: dict[str, Counter[str]] = {
        kind: Counter() for kind in (*TAG_KINDS, "regions", "evidence")
    }
    tag_query = (
        select(CaseStudyTag.kind, CaseStudyTag.value, func.count())
        .join(CaseStudy)
        .where(CaseStudy.status == PUBLISHED)
        .group_by(CaseStudyTag.kind, CaseStudyTag.value)
    )
    for kind, value, n in session.exec(tag_query):
        counts[kind][value] = n
    for column, kind in ((CaseStudy.region, "regions"), (CaseStudy.evidence, "evidence")):
        query = select(column, func.count()).where(CaseStudy.status == PUBLISHED).group_by(column)
        for value, n in session.exec(query):
            counts[kind][value] = n
    return counts
