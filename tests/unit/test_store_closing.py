"""The store is closed only once every connection has come back (issue #15): a background
thread that outlived its stop() at shutdown returned its connection to a pool already disposed,
where it stayed open until the garbage collector found it (psycopg's ResourceWarning, which
once failed an unrelated test)."""

import gc
import threading
import warnings

from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.store.db import Session, close_engine, make_engine
from tests.postgres import PostgresServer


def test_the_store_waits_for_a_connection_still_in_use(postgres: PostgresServer) -> None:
    engine = make_engine(postgres.new_database())
    busy, release = threading.Event(), threading.Event()

    def last_task(engine: Engine) -> None:
        with Session(engine) as session:
            session.exec(text("select 1"))  # type: ignore[call-overload]
            busy.set()
            release.wait(10)

    worker = threading.Thread(target=last_task, args=(engine,))
    worker.start()
    assert busy.wait(10)
    threading.Timer(0.3, release.set).start()  # the task ends a moment after shutdown began
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert close_engine(engine, wait=20)
        worker.join(10)
        del engine
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_the_store_is_closed_anyway_after_the_wait(postgres: PostgresServer) -> None:
    engine = make_engine(postgres.new_database())
    with Session(engine) as session:
        session.exec(text("select 1"))  # type: ignore[call-overload]
        assert not close_engine(engine, wait=0.2)
        session.connection().invalidate()  # closed here, not left for the collector
