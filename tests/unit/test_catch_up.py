"""Catching up from the change log leaves the index as the store is, whatever commits meanwhile."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.core.vocabulary import get_vocabulary
from app.search.index import SearchIndex
from app.services.indexing import catch_up, rebuild_index
from app.store import case_studies
from app.store.db import Engine, init_db, make_engine
from testkit.factories import sample_collection
from tests.postgres import PostgresServer


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        postgres: PostgresServer = request.getfixturevalue("postgres")
        url = postgres.new_database()
    made = make_engine(url)
    init_db(made)
    yield made
    made.dispose()


def test_a_withdrawal_committed_between_two_rounds_of_catching_up_is_applied(
    engine: Engine, tmp_path: Path
) -> None:
    """The catch-up reads the log, then the case studies, round after round until the log is
    exhausted. A case study read as published in one round and withdrawn before the next must
    be read afresh in the next, not taken from what the first round loaded."""
    study = sample_collection()[0]
    vocabulary = get_vocabulary()
    with Session(engine) as session:
        case_studies.upsert_case_study(session, study)
        session.commit()
    index = SearchIndex(tmp_path / "index")
    try:
        rebuild_index(engine, index, vocabulary)
        with Session(engine) as session:  # a new version is published: the next change
            case_studies.upsert_case_study(session, study.model_copy(update={"summary": "New."}))
            session.commit()

        reads_of_the_log = 0

        def withdraw_before_the_second_round(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
            nonlocal reads_of_the_log
            if "FROM change_log" in sql and "ORDER BY" in sql:
                reads_of_the_log += 1
                if reads_of_the_log == 2:  # the first round has read and applied the new version
                    with Session(engine) as other:
                        withdrawn = study.model_copy(update={"status": "withdrawn"})
                        case_studies.upsert_case_study(other, withdrawn)
                        other.commit()

        event.listen(engine, "before_cursor_execute", withdraw_before_the_second_round)
        try:
            catch_up(engine, index, vocabulary)
        finally:
            event.remove(engine, "before_cursor_execute", withdraw_before_the_second_round)
        assert reads_of_the_log >= 2, "the withdrawal was never made"
        assert study.slug not in index.slugs(), "a withdrawn case study is still searchable"
    finally:
        index.close()
