"""Leases for background jobs that must run in one process at a time across every replica
(the alert sender): a row per job naming who holds it until when, taken and renewed by a
conditional UPDATE, so of two processes asking at once exactly one wins. A holder that dies
simply lets its lease lapse. The row also keeps how far the job has got (`position`)."""

from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, update

from app.store.alert_tables import JobLease


def ensure_job(session: Session, name: str) -> bool:
    """Add the job's row if it is missing (not committed); True if this call added it. Of two
    transactions adding it at once, one adds it and the other waits for it and adds nothing."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = session.exec(insert(JobLease).values(name=name, position=0).on_conflict_do_nothing())
    return bool(added.rowcount == 1)


def take_lease(
    session: Session, name: str, holder: str, now: datetime, hold: timedelta
) -> JobLease | None:
    """Take (or renew) the job's lease for `hold`; the row if this holder has it, else None.
    Committed, so that the others see it at once."""
    ensure_job(session, name)
    free = (
        col(JobLease.holder).is_(None)
        | (col(JobLease.holder) == holder)
        | (col(JobLease.expires_at) < now)
    )
    won = session.exec(
        update(JobLease)
        .where(col(JobLease.name) == name, free)
        .values(holder=holder, expires_at=now + hold)
    )
    session.commit()
    if won.rowcount != 1:
        return None
    return find_job(session, name)


def find_job(session: Session, name: str) -> JobLease | None:
    session.expire_all()
    return session.get(JobLease, name)


def move_job(session: Session, name: str, holder: str | None, position: int) -> bool:
    """Record how far the job has got, if this holder still has the lease (None: whoever holds
    it, for the job's first position). Not committed."""
    query = update(JobLease).where(col(JobLease.name) == name)
    if holder is not None:
        query = query.where(col(JobLease.holder) == holder)
    moved = session.exec(query.values(position=position))
    return bool(moved.rowcount == 1)


def release_lease(session: Session, name: str, holder: str) -> None:
    """Give the lease up (committed); a lease held by another is left alone."""
    session.exec(
        update(JobLease)
        .where(col(JobLease.name) == name, col(JobLease.holder) == holder)
        .values(holder=None, expires_at=None)
    )
    session.commit()
