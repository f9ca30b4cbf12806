"""When a case study was last checked: the front-matter field and its default, the later date
kept on load, and the date rules of the reminder and the "May be out of date" mark."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from app.core.collection import parse_case_study, render_case_study, write_collection
from app.core.currency import add_months, may_be_out_of_date, review_due
from app.store import case_studies as store
from app.store.db import init_db, make_engine
from testkit.factories import make_case_study


def test_last_reviewed_defaults_to_published_and_is_written_only_when_it_differs(
    tmp_path: Path,
) -> None:
    plain = make_case_study(published="2019-05")
    assert plain.last_reviewed == "2019-05"
    assert "last_reviewed" not in render_case_study(plain)
    checked = make_case_study(slug="checked", published="2019-05", last_reviewed="2025-01-31")
    write_collection(tmp_path, [checked])
    text = (tmp_path / "checked.md").read_text()
    assert "published: 2019-05\nlast_reviewed: 2025-01-31\n" in text.replace("'", "")
    assert parse_case_study(tmp_path / "checked.md") == checked
    assert make_case_study().last_reviewed is None  # undated: not known


@pytest.mark.parametrize(
    ("value", "problem"),
    [("2025-02-30", "not a day of the calendar"), ("soon", "not a date"), ("2999", "future")],
)
def test_a_wrong_last_reviewed_is_refused_saying_why(
    tmp_path: Path, value: str, problem: str
) -> None:
    (tmp_path / "wrong.md").write_text(
        render_case_study(make_case_study(slug="wrong")).replace(
            "---\n\n", f"last_reviewed: '{value}'\n---\n\n", 1
        )
    )
    problems = parse_case_study(tmp_path / "wrong.md")
    assert isinstance(problems, list) and problems[0].field == "last_reviewed"
    assert problem in problems[0].message


def test_loading_a_file_keeps_a_later_check_from_the_store(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_db(engine)
    with Session(engine) as session:
        store.upsert_case_study(session, make_case_study(published="2019-05"))
        session.commit()
        row = store.find_case_study(session, "example-family-support")
        assert row is not None
        row.last_reviewed = "2026-03-02"  # as "Still current" leaves it
        session.add(row)
        session.commit()
        again = store.upsert_case_study(
            session, make_case_study(published="2019-05", title="Family support in Halton, now")
        )
        session.commit()
        row = store.find_case_study(session, "example-family-support")
        assert again == "updated" and row is not None
        assert (row.title, row.last_reviewed) == ("Family support in Halton, now", "2026-03-02")
    engine.dispose()


def test_the_dates_of_the_reminder_and_the_mark() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 29), -24) == date(2024, 11, 29)
    today = date(2026, 11, 29)
    assert not may_be_out_of_date("2024-11-30", today, 24)
    assert may_be_out_of_date("2024-11-29", today, 24)
    assert may_be_out_of_date("2024", today, 24)  # a year counts from its first day
    assert may_be_out_of_date(None, today, 24)
    assert review_due("2025-03", date(2026, 1, 1), 12) == date(2026, 3, 1)
    assert review_due(None, date(2026, 1, 1), 12) == date(2026, 1, 1)  # at once, when added
