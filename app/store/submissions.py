"""Submissions: councils' records on their way to publication, their history and idempotency."""

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.core.errors import Conflict
from app.store.models import CaseStudy, IdempotencyRecord, SubmissionEvent


def new_submission(slug: str, status: str, owner: str | None) -> CaseStudy:
    return CaseStudy(slug=slug, status=status, owner_council=owner)  # type: ignore[call-arg]


def find_submission(session: Session, record_id: int) -> CaseStudy | None:
    """The record with its tags loaded, or None."""
    row = session.get(CaseStudy, record_id)
    if row is not None:
        session.refresh(row, attribute_names=["tags"])
    return row


def list_submissions(
    session: Session,
    *,
    owner: str | None,
    council: str | None,
    statuses: list[str],
    page: int,
    per_page: int,
    oldest_first: bool,
) -> tuple[int, list[CaseStudy]]:
    """Councils' records (not the bundled collection's): one owner's exactly, or any council's
    by name regardless of case; newest first unless asked otherwise."""
    query = select(CaseStudy).where(col(CaseStudy.owner_council).is_not(None))
    if owner is not None:
        query = query.where(CaseStudy.owner_council == owner)
    elif council:
        query = query.where(func.lower(CaseStudy.owner_council) == council.casefold())
    if statuses:
        query = query.where(col(CaseStudy.status).in_(statuses))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = col(CaseStudy.id) if oldest_first else col(CaseStudy.id).desc()
    rows = session.exec(query.order_by(order).offset((page - 1) * per_page).limit(per_page))
    return int(total), list(rows)


def list_events(session: Session, record_id: int) -> list[SubmissionEvent]:
    query = (
        select(SubmissionEvent)
        .where(SubmissionEvent.case_study_id == record_id)
        .order_by(col(SubmissionEvent.id))
    )
    return list(session.exec(query))


def add_event(session: Session, record_id: int, **fields: Any) -> None:
    session.add(SubmissionEvent(case_study_id=record_id, **fields))


def find_idempotent(session: Session, key_id: int | None, key: str) -> IdempotencyRecord | None:
    query = select(IdempotencyRecord).where(
        IdempotencyRecord.api_key_id == key_id, IdempotencyRecord.key == key
    )
    return session.exec(query).first()


def add_idempotent(
    session: Session, key_id: int, key: str, request_hash: str, response: dict[str, Any]
) -> None:
    session.add(
        IdempotencyRecord(
            api_key_id=key_id,
            key=key,
            request_hash=request_hash,
            status_code=201,
            response=response,
        )
    )


def save(session: Session, *rows: object) -> None:
    """Add the rows and commit; Conflict (rolled back) if another request got there first."""
    if not try_save(session, *rows):
        raise Conflict("Another request changed this at the same moment; try again.")


def try_save(session: Session, *rows: object) -> bool:
    """Add the rows and commit; False (rolled back) if a unique key was taken meanwhile."""
    for row in rows:
        session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def flush(session: Session, row: CaseStudy) -> None:
    """Give a new record its id before the transaction ends."""
    session.add(row)
    session.flush()
