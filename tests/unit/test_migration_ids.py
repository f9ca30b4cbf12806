"""Migration 0015: on SQLite the tables of best bets, everyday-word decisions and allowed
websites are rebuilt with AUTOINCREMENT (as 0013 rebuilt drafts'), so that a number is never
given twice: an old page's Unpin, Forget or Remove then finds nothing rather than the next row.
Their rows and rules survive the rebuild, both ways."""

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from app.store.db import make_engine
from app.store.migrate import ensure_schema, head
from tests.unit import test_migrations
from tests.unit.test_migrations import _alembic

url = test_migrations.url  # the same store, on SQLite and on PostgreSQL

PINNED = text(
    'INSERT INTO best_bet ("query", match, slug, position, added_by, added_at) '
    "VALUES ('support', 'exact', :slug, :position, 'a moderator', :now)"
)


def numbers_then_next(
    connection: Connection, table: str, insert: Any, values: dict[str, Any]
) -> tuple[list[int], int]:
    """The table's ids, then the id a new row gets once the highest is deleted (committed)."""
    ids = list(connection.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalars())
    connection.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": ids[-1]})
    connection.execute(insert, values)
    after = connection.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()
    connection.commit()
    return ids, after


def rows_after_downgrade(connection: Connection, table: str, to: str) -> int:
    """Downgrade to `to` and count the table's rows, which stay on the way down."""
    command.downgrade(_alembic(connection), to)
    connection.commit()
    return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_migration_0015_never_gives_a_pins_number_twice(url: str) -> None:
    """The pins are kept through the rebuild with their one-pin-a-slug rule, and once the
    newest is unpinned the next pin gets a new number."""
    engine = make_engine(url)
    now = {"now": datetime.now(UTC)}
    try:
        with engine.connect() as connection:
            command.upgrade(_alembic(connection), "0014")
            for position, slug in enumerate(["north", "south"], 1):
                connection.execute(PINNED, {"slug": slug, "position": position, **now})
            connection.commit()
        assert f"0014 to {head()}" in ensure_schema(engine)
        with engine.connect() as connection:
            east = {"slug": "east", "position": 2, **now}
            assert numbers_then_next(connection, "best_bet", PINNED, east) == ([1, 2], 3)
            with pytest.raises(IntegrityError):  # still one pin of a case study to a query
                connection.execute(PINNED, {"slug": "east", "position": 3, **now})
            connection.rollback()
            assert rows_after_downgrade(connection, "best_bet", "0014") == 2
    finally:
        engine.dispose()
