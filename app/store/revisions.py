"""Amendments to published case studies: open one, find them, and claim one at the version a
change read (a compare-and-set in SQL, as `submissions.claim` does for the case study)."""

from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from app.core.names import normal_name
from app.store import submissions
from app.store.models import CaseStudy
from app.store.revision_tables import CaseStudyRevision


def find(session: Session, revision_id: int) -> CaseStudyRevision | None:
    return session.get(CaseStudyRevision, revision_id)


def open_for(session: Session, case_study_id: int) -> CaseStudyRevision | None:
    """The case study's open amendment, if it has one."""
    query = select(CaseStudyRevision).where(CaseStudyRevision.open_for == case_study_id)
    return session.exec(query).first()


def open_for_each(session: Session, case_study_ids: Iterable[int]) -> dict[int, CaseStudyRevision]:
    """For each of these case studies with an open amendment: the amendment."""
    ids = list(case_study_ids)
    if not ids:
        return {}
    query = select(CaseStudyRevision).where(col(CaseStudyRevision.open_for).in_(ids))
    return {row.open_for: row for row in session.exec(query) if row.open_for is not None}


def for_case_study(session: Session, case_study_id: int) -> list[CaseStudyRevision]:
    """Every amendment proposed to a case study, newest first."""
    query = select(CaseStudyRevision).where(CaseStudyRevision.case_study_id == case_study_id)
    return list(session.exec(query.order_by(col(CaseStudyRevision.id).desc())))


def listed(
    session: Session, states: list[str], owner: str | None, page: int, per_page: int
) -> tuple[int, list[CaseStudyRevision]]:
    """Amendments in these states, oldest first; one council's only if `owner` is given."""
    query = select(CaseStudyRevision)
    if states:
        query = query.where(col(CaseStudyRevision.state).in_(states))
    if owner is not None:
        query = query.join(CaseStudy, col(CaseStudy.id) == col(CaseStudyRevision.case_study_id))
        query = query.where(CaseStudy.owner_name == normal_name(owner))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(CaseStudyRevision.id)).offset((page - 1) * per_page).limit(per_page)
    )
    return int(total), list(rows)


def try_open(session: Session, row: CaseStudyRevision) -> bool:
    """Give a new amendment its id; False (rolled back) if the case study has an open one
    already (another request opened it first)."""
    return submissions.try_flush(session, row)


def claim(session: Session, row: CaseStudyRevision, states: Iterable[str]) -> bool:
    """Take the amendment for this transaction if it is still at the version the caller read
    and in one of the states; False, rolled back, if another change came first."""
    return submissions.claim_version(session, row, CaseStudyRevision.state, states)
