"""Schema migrations: the migrations build exactly the tables the code defines, on SQLite and
PostgreSQL, and a store on another schema is refused with what to do."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from typer.testing import CliRunner

from app.store.db import make_engine
from app.store.migrate import SCRIPTS, SchemaError, compare_type, ensure_schema, head
from indexer.cli import cli
from tests.postgres import PostgresServer


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


def test_the_migrations_build_the_tables_the_code_defines(url: str) -> None:
    engine = make_engine(url)
    try:
        assert "migrated from empty" in ensure_schema(engine)
        with engine.connect() as connection:
            assert (
                compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": compare_type}),
                    SQLModel.metadata,
                )
                == []
            )
        assert ensure_schema(engine) == f"schema is current ({head()})"
    finally:
        engine.dispose()


def test_checking_only_refuses_an_unmigrated_store(url: str) -> None:
    engine = make_engine(url)
    try:
        with pytest.raises(SchemaError, match="python -m indexer migrate"):
            ensure_schema(engine, apply=False)
    finally:
        engine.dispose()


def test_a_store_from_before_migrations_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        SQLModel.metadata.create_all(engine)
        with pytest.raises(SchemaError, match="made before schema migrations"):
            ensure_schema(engine)
    finally:
        engine.dispose()


def test_indexer_migrate_applies_and_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    runner = CliRunner()
    checked = runner.invoke(cli, ["migrate", "--check"])
    assert checked.exit_code == 1 and "indexer migrate" in checked.output
    applied = runner.invoke(cli, ["migrate"])
    assert applied.exit_code == 0 and "migrated from empty" in applied.output
    assert runner.invoke(cli, ["migrate", "--check"]).exit_code == 0


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


OWNED_RECORD = text(
    "INSERT INTO case_study (slug, title, council, region, summary, body, outcomes, partners, "
    "evidence, status, content_hash, created_at, modified_at, owner_council, "
    "safeguarding_findings, safeguarding_checked_at, warnings) VALUES ('leeds-hub', 'Hub', "
    "'Leeds City Council', 'Yorkshire and the Humber', 'A hub.', 'Body.', '[]', '[]', "
    "'emerging', 'submitted', 'x', :now, :now, ' LEEDS  City Council', '[]', :now, '[]')"
)


def test_migration_0003_versions_existing_records_and_keeps_them_on_the_way_down(
    url: str,
) -> None:
    """Existing records start at version 1, their owners become comparable however they were
    typed, and a confirmation already given holds for version 1; downgrading keeps the rows."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            command.upgrade(_alembic(connection), "0002")
            connection.execute(OWNED_RECORD, {"now": datetime.now(UTC)})
            connection.commit()
        ensure_schema(engine)
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT version, owner_name, safeguarding_checked_version FROM case_study")
            ).one()
            assert tuple(row) == (1, "leeds city council", 1)
            command.downgrade(_alembic(connection), "0002")
            connection.commit()
            assert connection.execute(text("SELECT slug FROM case_study")).scalars().all() == [
                "leeds-hub"
            ]
    finally:
        engine.dispose()


DRAFT = text(
    "INSERT INTO draft (owner_council, created_by, fields, created_at, modified_at) "
    "VALUES ('leeds city council', 'Leeds City Council (council user 1)', '{}', :now, :now)"
)


def test_migration_0013_never_gives_a_draft_number_twice(url: str) -> None:
    """The drafts there are kept through the rebuild, and once the newest is sent (deleted), the
    next draft gets a new number, not the sent one's: an old bookmark then finds nothing."""
    engine = make_engine(url)
    now = {"now": datetime.now(UTC)}
    try:
        with engine.connect() as connection:
            command.upgrade(_alembic(connection), "0012")
            for _ in range(2):
                connection.execute(DRAFT, now)
            connection.commit()
        assert f"0012 to {head()}" in ensure_schema(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM draft ORDER BY id")).scalars().all() == [
                1,
                2,
            ]
            connection.execute(text("DELETE FROM draft WHERE id = 2"))  # sent
            connection.execute(DRAFT, now)
            assert connection.execute(text("SELECT max(id) FROM draft")).scalar() == 3
            connection.commit()
            command.downgrade(_alembic(connection), "0012")  # the rows stay on the way down
            connection.commit()
            assert connection.execute(text("SELECT count(*) FROM draft")).scalar() == 2
    finally:
        engine.dispose()
