"""Search counts wait in memory while the store is unreachable, within a bound (issue #15): a
client sending made-up queries while the store was down grew the buffer without limit."""

import logging
import shutil
from pathlib import Path

import pytest

from app.services.analytics import MAX_PENDING, QueryCounter, query_report
from app.store.db import Session, make_engine


def test_counts_wait_for_the_store_within_a_bound(
    sqlite_template: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    down = make_engine(f"sqlite:///{tmp_path / 'no such folder' / 'store.db'}")
    counter = QueryCounter(down)
    over = 1_500
    for n in range(MAX_PENDING + over):
        counter.record(f"made up query {n}", total=0)
    counter.record("made up query 0", total=0)  # one already waiting is still counted
    with caplog.at_level(logging.WARNING, logger="app.services.analytics"):
        counter.flush()  # the store is down: kept for the next try
        counter.record("made up query 1", total=0)
        counter.record("a new query while the buffer is full", total=3)
        shutil.copyfile(sqlite_template, tmp_path / "store.db")
        counter.engine = up = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        counter.flush()
    try:
        with Session(up) as session:
            report = query_report(session, days=1, limit=3)
    finally:
        up.dispose()
        down.dispose()
    assert report.searches == MAX_PENDING + 2
    assert report.top[0].query == "made up query 0" and report.top[0].searches == 2
    assert f"{over} searches were not counted" in caplog.text
    assert "1 searches were not counted" in caplog.text


def test_a_query_that_found_something_and_then_nothing_is_one_row(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """Between two flushes the index can change: the same query waits as found and as not found
    (two keys), and is written as one row for the day with its zero-result searches."""
    shutil.copyfile(sqlite_template, tmp_path / "store.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    counter = QueryCounter(engine)
    try:
        for total in (3, 0, 0, 5):
            counter.record("kinship care", total=total)
        counter.flush()
        counter.record("kinship care", total=0)
        counter.flush()
        with Session(engine) as session:
            report = query_report(session, days=1, limit=3)
    finally:
        engine.dispose()
    assert [(row.query, row.searches) for row in report.top] == [("kinship care", 5)]
    assert [(row.query, row.zero_results) for row in report.zero_results] == [("kinship care", 3)]
