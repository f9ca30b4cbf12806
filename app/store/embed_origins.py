"""The websites allowed to embed the service, and the record of each one added or removed.

Every change writes a row to `embed_origin_change` in the same transaction, so the number of
those rows is a version that only grows: each process polls it and re-reads the list when it
moves (`services/embed_origins.py`), the way the index follows the change log.
"""

from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.errors import Conflict, NotFound
from app.core.origins import AllowedOrigin
from app.store.models import EmbedOrigin, EmbedOriginChange

ADDED, REMOVED = "added", "removed"


def _allowed(row: EmbedOrigin) -> AllowedOrigin:
    assert row.id is not None
    return AllowedOrigin(row.id, row.origin, row.note, row.added_by, row.added_at)


def version(session: Session) -> int:
    """How many changes the list has had: it grows with every committed change."""
    return int(session.exec(select(func.count()).select_from(EmbedOriginChange)).one())


def list_origins(session: Session) -> list[AllowedOrigin]:
    rows = session.exec(select(EmbedOrigin).order_by(col(EmbedOrigin.origin)))
    return [_allowed(row) for row in rows]


def find_origin(session: Session, origin: str) -> AllowedOrigin | None:
    row = session.exec(select(EmbedOrigin).where(EmbedOrigin.origin == origin)).first()
    return _allowed(row) if row else None


def add_origin(session: Session, origin: str, actor: str, note: str | None) -> AllowedOrigin:
    """Add an origin (already in its canonical form); raise Conflict if it is on the list."""
    existing = find_origin(session, origin)
    if existing is not None:
        raise _already(existing)
    row = EmbedOrigin(origin=origin, note=note, added_by=actor)
    session.add(row)
    session.add(EmbedOriginChange(origin=origin, action=ADDED, actor=actor))
    try:
        session.commit()
    except IntegrityError as error:  # added by someone else at the same moment
        session.rollback()
        raced = find_origin(session, origin)
        if raced is None:
            raise
        raise _already(raced) from error
    session.refresh(row)
    return _allowed(row)


def _already(existing: AllowedOrigin) -> Conflict:
    when = existing.added_at.date().isoformat()
    return Conflict(f"{existing.origin} is already allowed (added by {existing.added_by}, {when}).")


def remove_origin(session: Session, origin_id: int, actor: str) -> AllowedOrigin:
    """Remove an origin by its id; raise NotFound if there is none."""
    row = session.get(EmbedOrigin, origin_id)
    if row is None:
        raise NotFound(f"No allowed website has the id {origin_id}; GET the list for the ids.")
    removed = _allowed(row)
    session.delete(row)
    session.add(EmbedOriginChange(origin=row.origin, action=REMOVED, actor=actor))
    session.commit()
    return removed


def seed_origins(session: Session, origins: Iterable[str], actor: str) -> list[str]:
    """Add each origin the list has never had (never added, never removed); return those added.

    So an origin from the environment is added once, and one a moderator removed stays removed.
    """
    known = set(session.exec(select(EmbedOriginChange.origin).distinct()))
    fresh = [o for o in dict.fromkeys(origins) if o not in known]
    for origin in fresh:
        session.add(EmbedOrigin(origin=origin, added_by=actor))
        session.add(EmbedOriginChange(origin=origin, action=ADDED, actor=actor))
    try:
        session.commit()
    except IntegrityError:  # another process starting at the same time seeded them first
        session.rollback()
        return []
    return fresh
