"""Submissions: councils' records on their way to publication, their history and idempotency.

Every change to a record starts with `claim`, a compare-and-set on its version in SQL, so two
changes made from the same version cannot both succeed.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col, func, select

from app.core.errors import Conflict
from app.core.names import normal_name
from app.store.models import CaseStudy, IdempotencyRecord, SubmissionEvent


def new_submission(slug: str, status: str, owner: str | None) -> CaseStudy:
    """A new record; its owner kept as given and in the form every ownership check compares."""
    owner_name = normal_name(owner) if owner is not None else None
    return CaseStudy(slug=slug, status=status, owner_council=owner, owner_name=owner_name)  # type: ignore[call-arg]


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
    flagged: bool | None = None,
) -> tuple[int, list[CaseStudy]]:
    """Councils' records (not the bundled collection's): one owner's, or any council's by
    name; names compared as `Principal.owns` compares them (case and spacing aside). Newest
    first unless asked otherwise."""
    query = select(CaseStudy).where(col(CaseStudy.owner_council).is_not(None))
    if owner is not None:
        query = query.where(CaseStudy.owner_name == normal_name(owner))
    elif council:
        query = query.where(CaseStudy.owner_name == normal_name(council))
    if statuses:
        query = query.where(col(CaseStudy.status).in_(statuses))
    if flagged is not None:  # the safeguarding check found something (or nothing)
        found = func.json_array_length(CaseStudy.safeguarding_findings) > 0
        query = query.where(found if flagged else ~found)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = col(CaseStudy.id) if oldest_first else col(CaseStudy.id).desc()
    rows = session.exec(query.order_by(order).offset((page - 1) * per_page).limit(per_page))
    return int(total), list(rows)


def submission_councils(session: Session) -> list[str]:
    """The councils that have submitted anything, by name as first given, A to Z."""
    names = session.exec(
        select(func.min(CaseStudy.owner_council))
        .where(col(CaseStudy.owner_council).is_not(None))
        .group_by(CaseStudy.owner_name)
    )
    return sorted((n for n in names if n), key=str.casefold)


def claim(session: Session, row: CaseStudy, statuses: Iterable[str]) -> bool:
    """Take the record for this transaction if it is still at the version the caller read and
    in one of the statuses:

        UPDATE case_study SET version = version + 1
        WHERE id = ? AND version = ? AND status IN (...)

    Until the commit the row is this transaction's (PostgreSQL locks the row, SQLite the
    database), so what the caller changes next can neither be lost nor lose. Returns False,
    rolled back, if another change came first."""
    return claim_version(session, row, CaseStudy.status, statuses)


def claim_version(session: Session, row: Any, state: Any, states: Iterable[str]) -> bool:
    """`claim` for any row with an id, a version and a state column (`state`): an amendment's
    too (`revisions.claim`)."""
    assert row.id is not None
    table = type(row)
    claimed = session.exec(
        update(table)
        .where(
            col(table.id) == row.id,
            col(table.version) == row.version,
            col(state).in_(list(states)),
        )
        .values(version=row.version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return False
    set_committed_value(row, "version", row.version + 1)  # already written: not dirty
    return True


def list_events(session: Session, record_id: int) -> list[SubmissionEvent]:
    query = (
        select(SubmissionEvent)
        .where(SubmissionEvent.case_study_id == record_id)
        .order_by(col(SubmissionEvent.id))
    )
    return list(session.exec(query))


def unpublished(session: Session, record_ids: list[int]) -> set[int]:
    """Those of these records that were sent back to their council by being unpublished, not by
    a request for changes: each one's later of the two events decides."""
    if not record_ids:
        return set()
    query = (
        select(SubmissionEvent.case_study_id, SubmissionEvent.action)
        .where(col(SubmissionEvent.case_study_id).in_(record_ids))
        .where(col(SubmissionEvent.action).in_(("changes_requested", "unpublished")))
        .order_by(col(SubmissionEvent.id))
    )
    last = {record_id: action for record_id, action in session.exec(query)}
    return {record_id for record_id, action in last.items() if action == "unpublished"}


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
    """Add the rows and commit; False (rolled back) if a unique key was taken meanwhile.

    The rows keep what this transaction wrote rather than being read again, so an answer
    describes the version this change made even if another change follows at once."""
    for row in rows:
        session.add(row)
    session.expire_on_commit = False
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    finally:
        session.expire_on_commit = True
    return True


def try_flush(session: Session, row: SQLModel) -> bool:
    """Give a new record its id before the transaction ends; False (rolled back) if its slug
    was taken meanwhile (or, for an amendment, its case study has an open one)."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True
