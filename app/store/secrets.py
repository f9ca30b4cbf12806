"""Signing keys kept in the store, made on first use, so that every replica signs and checks
links with the same key without an operator having to set one."""

import secrets

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.store.alert_tables import StoredSecret


def stored_secret(session: Session, name: str) -> str:
    """The key called `name`, made (and committed) if there is none yet; of two processes
    making it at once, both end up with the one that was stored first."""
    found = session.get(StoredSecret, name)
    if found is not None:
        return found.value
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.exec(
        insert(StoredSecret)
        .values(name=name, value=secrets.token_urlsafe(48))
        .on_conflict_do_nothing()
    )
    session.commit()
    stored = session.get(StoredSecret, name)
    assert stored is not None
    return stored.value
