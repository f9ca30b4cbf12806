"""The SQL engine (SQLite by default, PostgreSQL when DATABASE_URL says so) and sessions."""

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, false, text, update
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from app.store import alert_tables, curation_tables, models, review_tables, revision_tables  # noqa: F401  (registers the tables)
from app.store.migrate import ensure_schema


def make_engine(database_url: str) -> Engine:
    """Create the engine; for SQLite, create the file's folder and turn on WAL and foreign keys."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        # A statement that runs away is stopped rather than left to hold a connection.
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            pool_timeout=10,
            connect_args={"options": "-c statement_timeout=15000", "connect_timeout": 10},
        )
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def init_db(engine: Engine, apply: bool = True) -> str:
    """Bring the store's schema to the code's through the migrations (or check it is there);
    return what was done. Raises app.store.migrate.SchemaError saying what to do otherwise."""
    return ensure_schema(engine, apply)


def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for a search, on a connection of its own that changelog.heads reads on
    directly. A warm search reads nothing else (its rows and its curation come from memory):
    the ORM's transaction, which the head read through the session began, cost about as much
    as the read (issue 19). What the session reads shares the connection, after the head."""
    with engine.connect() as connection, Session(bind=connection) as session:
        yield session


def reads_locally(engine: Engine) -> bool:
    """Whether a read waits on no network: SQLite's file, read in this process (a short read
    may then be done on the event loop; PostgreSQL's is a round trip and is not)."""
    return engine.dialect.name == "sqlite"


def ping(engine: Engine) -> None:
    """Raise if the store does not answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


__all__ = [
    "Engine",
    "Session",
    "init_db",
    "make_engine",
    "ping",
    "reading",
    "reads_locally",
    "session_scope",
    "hold_writes",
    "take_turn",
]


def take_turn(session: Session, lock: int, table: Any) -> None:
    """Wait until no other transaction holds `lock`, and hold it until this one commits or rolls
    back: for changes that read and then write from what they read (a query's pins, the draft
    of a change), which two requests at once would each make as if the other's were not there.
    On PostgreSQL an advisory lock; on SQLite the database's write lock, taken by a write to
    `table` that changes nothing (the driver begins a transaction only at a write, so reads
    before one wait for nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock})
        return
    hold_writes(session, table)


def hold_writes(session: Session, table: Any) -> None:
    """On SQLite, take the database's write lock now, until this transaction ends, by a write
    to `table` that changes nothing: what this transaction reads from then on no other can
    change before it commits. On PostgreSQL nothing: rows are locked one by one there."""
    if session.get_bind().dialect.name == "postgresql":
        return
    nothing = update(table).where(false()).values(id=table.id)
    session.execute(nothing.execution_options(synchronize_session=False))


def close_engine(engine: Engine, wait: float = 60.0) -> bool:
    """Close the store's connections once every one checked out has come back (a background
    thread that outlived its stop() finishing its last task), waiting at most `wait` seconds;
    return whether all had. A connection still checked out when the pool is disposed stays open
    until the garbage collector finds it (psycopg's ResourceWarning)."""
    pool = engine.pool
    checked_out = getattr(pool, "checkedout", lambda: 0)
    deadline = time.monotonic() + wait
    while checked_out() and time.monotonic() < deadline:
        time.sleep(0.05)
    back = not checked_out()
    engine.dispose()
    return back
