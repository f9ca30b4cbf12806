"""The change log: one row per change to what search should show, in commit order.

Every process's index follows it (`services/indexing.py`), so a publish on one replica reaches
the others' indexes.
"""

from datetime import UTC, datetime

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from app.store.models import ChangeLog

# Change-log ids must grow in commit order, or a process catching up could pass an id whose
# transaction had not committed yet and never see it. SQLite writes one transaction at a time;
# on PostgreSQL writers of the log take this lock until they commit.
CHANGE_LOG_LOCK = 0x62665F6C6F67  # "bf_log"


def record_change(session: Session, slug: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": CHANGE_LOG_LOCK})
    session.add(ChangeLog(slug=slug))


_LAST_ID = select(func.max(ChangeLog.id))
# The same, over the table rather than the ORM entity, built once: every search reads it
# (services/search.py), and the ORM's statement and result handling cost as much again as the
# query (about 450 against 260 µs a session with it on SQLite, in-process).
_HEAD = select(func.max(ChangeLog.__table__.c.id))  # type: ignore[attr-defined]


def last_change_id(session: Session) -> int:
    return session.exec(_LAST_ID).one() or 0


def head(session: Session) -> int:
    """last_change_id for the searches, in the session's own transaction; unlike it, it does
    not flush the session's pending changes first (a search has none)."""
    found: int | None = session.connection().execute(_HEAD).scalar()
    return found or 0


def changed_since(session: Session, after: int, limit: int = 500) -> list[ChangeLog]:
    """Return change-log rows after the given id, oldest first."""
    query = (
        select(ChangeLog).where(col(ChangeLog.id) > after).order_by(col(ChangeLog.id)).limit(limit)
    )
    return list(session.exec(query))


def pending(session: Session, after: int) -> tuple[int, datetime | None]:
    """How many changes come after the given id, and when the oldest of them was made."""
    newer = col(ChangeLog.id) > after
    count = session.exec(select(func.count()).select_from(ChangeLog).where(newer)).one()
    oldest = session.exec(select(func.min(ChangeLog.at)).where(newer)).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(count), oldest
