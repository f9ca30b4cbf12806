"""The change log's ids grow in commit order, even with concurrent writers on PostgreSQL."""

import threading

from sqlmodel import Session, select

from app.store import changelog
from app.store.db import init_db, make_engine
from app.store.models import ChangeLog
from tests.postgres import PostgresServer


def test_a_second_writer_waits_for_the_first_to_commit(postgres: PostgresServer) -> None:
    engine = make_engine(postgres.new_database())
    init_db(engine)
    done = threading.Event()
    try:
        with Session(engine) as first:
            changelog.record_change(first, "first")
            first.flush()  # its id is drawn, its transaction still open

            def second_writer() -> None:
                with Session(engine) as second:
                    changelog.record_change(second, "second")
                    second.commit()
                done.set()

            thread = threading.Thread(target=second_writer)
            thread.start()
            assert not done.wait(0.5), "the second writer did not wait"
            first.commit()
        assert done.wait(10)
        thread.join()
        with Session(engine) as session:
            rows = session.exec(select(ChangeLog).order_by(ChangeLog.id)).all()  # type: ignore[arg-type]
        assert [r.slug for r in rows] == ["first", "second"]
    finally:
        engine.dispose()
