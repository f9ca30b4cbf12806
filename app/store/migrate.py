"""Schema migrations with Alembic: bring a store up to the code's schema, or say why not.

The service and the indexer call ensure_schema at start. Two processes starting together do not
race: on PostgreSQL an advisory lock serialises them, on SQLite a lock file beside the database.
"""

import contextlib
import fcntl
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from app.config import ROOT

SCRIPTS = ROOT / "app" / "store" / "migrations"
LOCK_ID = 0x62665F6D69677261  # "bf_migra"


def compare_type(
    context: MigrationContext,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    """Alembic's type comparison, except that on SQLite, which does not enforce a VARCHAR's
    length, a change of length alone is no change (migration 0002 widens names on PostgreSQL
    only, since rebuilding the table on SQLite would cascade-delete the rows that refer to it)."""
    if context.dialect.name == "sqlite":
        names = {type(inspected_type).__name__.upper(), type(metadata_type).__name__.upper()}
        if names <= {"VARCHAR", "STRING", "AUTOSTRING"}:
            return False
    return None  # Alembic's own comparison


class SchemaError(RuntimeError):
    """The store's schema is not the code's and cannot be made so here."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head() -> str:
    """The code's schema revision: read once per process (each read loads every migration
    script, about 12 ms of CPU, and an API test starts an app, which checks it, every time)."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    revision: str | None = MigrationContext.configure(connection).get_current_revision()
    return revision


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": LOCK_ID})
            connection.commit()
            try:
                yield connection
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
                connection.commit()
            return
        database = engine.url.database
        if database and database != ":memory:":
            with Path(f"{database}.migrate-lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                yield connection
            return
        yield connection


def ensure_schema(engine: Engine, apply: bool = True) -> str:
    """Upgrade the store to the code's schema (or, with apply=False, check that it is there).

    Returns what was done, for the log; raises SchemaError with what to do otherwise.
    """
    target = head()
    with _exclusive(engine) as connection:
        found = current(connection)
        if found == target:
            return f"schema is current ({target})"
        if found is None and "case_study" in inspect(connection).get_table_names():
            raise SchemaError(
                "This store was made before schema migrations. Export what it holds "
                "(python -m indexer export DIR), then start from an empty store."
            )
        if not apply:
            raise SchemaError(
                f"The store's schema is {found or 'empty'}, the code needs {target}: run "
                "`python -m indexer migrate` (or start with MIGRATE_ON_START=true)."
            )
        try:
            command.upgrade(_config(connection), "head")
            connection.commit()
        except Exception as error:  # say which step failed, and that nothing was half-done
            connection.rollback()
            raise SchemaError(f"Migrating the store to {target} failed: {error}") from error
        return f"schema migrated from {found or 'empty'} to {target}"
