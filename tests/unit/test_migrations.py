"""Schema migrations: the migrations build exactly the tables the code defines, on SQLite and
PostgreSQL, and a store on another schema is refused with what to do."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel, col, select
from typer.testing import CliRunner

from app.store.curation import list_best_bets
from app.store.curation_tables import CurationChange
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


PIN = text(
    'INSERT INTO best_bet ("query", match, slug, position, added_by, added_at) '
    "VALUES (:query, 'exact', :slug, :position, 'moderator (moderator user 1)', :now)"
)


def test_migration_0014_numbers_each_querys_best_bets_without_gaps(url: str) -> None:
    """A store from before unpinning renumbered held positions 1 and 3: each query's pins are
    numbered 1..n in the order search shows them, one without gaps is left alone, and each
    query renumbered is a change in the log every process polls."""
    engine = make_engine(url)
    pins = [
        ("kinship care", "hub", 1),
        ("kinship care", "carers", 3),
        ("care leavers", "local-offer", 9),
        ("care leavers", "staying-close", 2),
        ("care leavers", "mentors", 5),
        ("fostering", "mockingbird", 1),
        ("fostering", "recruitment", 2),
    ]
    try:
        with engine.connect() as connection:
            command.upgrade(_alembic(connection), "0013")
            for query, slug, position in pins:
                at = {"now": datetime.now(UTC)}
                connection.execute(PIN, {"query": query, "slug": slug, "position": position} | at)
            connection.commit()
        assert f"0013 to {head()}" in ensure_schema(engine)
        with Session(engine) as session:
            shown = [(b.query, b.slug, b.position) for b in list_best_bets(session)]
            changes = session.exec(select(CurationChange).order_by(col(CurationChange.subject)))
            renumbered = [(c.subject, c.action, c.actor, c.at.utcoffset()) for c in changes]
        assert sorted(shown) == [
            ("care leavers", "local-offer", 3),
            ("care leavers", "mentors", 2),
            ("care leavers", "staying-close", 1),
            ("fostering", "mockingbird", 1),
            ("fostering", "recruitment", 2),
            ("kinship care", "carers", 2),
            ("kinship care", "hub", 1),
        ]
        assert renumbered == [
            ("care leavers", "renumbered", "migration 0014", timedelta(0)),
            ("kinship care", "renumbered", "migration 0014", timedelta(0)),
        ]
    finally:
        engine.dispose()


AMENDMENT = text(
    "INSERT INTO case_study_revision (case_study_id, open_for, state, version, base_version, "
    "content, proposed_by, safeguarding_findings, warnings, created_at, modified_at) "
    "SELECT id, id, 'submitted', 1, 1, '{}', 'Leeds City Council (key 1)', '[]', '[]', :now, "
    ":now FROM case_study"
)


def test_migration_0017_gives_amendments_a_reason_and_keeps_them_both_ways(url: str) -> None:
    """An amendment from before 0017 keeps its row with no reason; a reason written after it
    is dropped on the way down, the amendment kept."""
    engine = make_engine(url)
    now = {"now": datetime.now(UTC)}
    try:
        with engine.connect() as connection:
            command.upgrade(_alembic(connection), "0002")
            connection.execute(OWNED_RECORD, now)
            connection.commit()
            command.upgrade(_alembic(connection), "0016")
            connection.execute(AMENDMENT, now)
            connection.commit()
        assert f"0016 to {head()}" in ensure_schema(engine)
        with engine.connect() as connection:
            reason = text("SELECT duplicate_reason FROM case_study_revision")
            assert connection.execute(reason).scalars().all() == [None]
            connection.execute(text("UPDATE case_study_revision SET duplicate_reason = 'Later.'"))
            connection.commit()
            assert connection.execute(reason).scalars().all() == ["Later."]
            command.downgrade(_alembic(connection), "0016")
            connection.commit()
            kept = text("SELECT state FROM case_study_revision")
            assert connection.execute(kept).scalars().all() == ["submitted"]
    finally:
        engine.dispose()
