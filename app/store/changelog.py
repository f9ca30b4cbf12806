"""The change log: one row per change to what search should show, in commit order.

Every process's index follows it (`services/indexing.py`), so a publish on one replica reaches
the others' indexes.
"""

from datetime import UTC, datetime

from sqlalchemy import Connection, func, text
from sqlmodel import Session, col, select

from app.store.curation_tables import CurationChange
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
# What every search reads first (services/search.py), in one statement built once, over the
# tables rather than the ORM entities (the ORM's statement and result handling cost as much
# again as the query: about 450 against 260 µs a session on SQLite, in-process): the head, and
# how many changes moderators' synonyms and best bets have had (store/curation.py's version),
# so that a pin saved or removed through any process is in the next search in every process.
_LOG, _CURATION = ChangeLog.__table__, CurationChange.__table__  # type: ignore[attr-defined]
_HEADS = select(
    select(func.max(_LOG.c.id)).scalar_subquery(),
    select(func.count()).select_from(_CURATION).scalar_subquery(),
)


def last_change_id(session: Session) -> int:
    return session.exec(_LAST_ID).one() or 0


# The same, as the driver's own SQL for a session on a connection of its own (db.reading):
# SQLAlchemy's statement execution and result (a cached compile, events, a CursorResult) cost
# about twice the read itself, some 95 of 140 µs on SQLite in-process (issue 19).
_HEADS_SQL = f"SELECT (SELECT max(id) FROM {_LOG.name}), (SELECT count(*) FROM {_CURATION.name})"


def heads(session: Session) -> tuple[int, int]:
    """The change log's head (last_change_id) and the curation version, in the session's own
    transaction; unlike last_change_id, it does not flush the session's pending changes first
    (a search has none). A session made by db.reading is read on its bare connection, with the
    driver's cursor (the pool rolls the connection back when it is returned, as before)."""
    bind = session.bind
    if not isinstance(bind, Connection):
        found = session.connection().execute(_HEADS).one()
        return found[0] or 0, found[1]
    cursor = bind.connection.cursor()
    try:
        cursor.execute(_HEADS_SQL)
        [(head, curated)] = cursor.fetchall()  # one row, as .one() asks
    finally:
        cursor.close()
    return head or 0, curated


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
