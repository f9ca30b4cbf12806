"""The rules a case study keeps, whichever way it arrives: real dates, known fields, and lengths
that hold for the text as it is stored."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.core.collection import parse_case_study
from app.core.content import CaseStudyContent, CaseStudyPatch, first_day
from testkit.factories import make_draft


def problems(**fields: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        CaseStudyContent.model_validate(make_draft(**fields))
    return {".".join(map(str, e["loc"])): e["msg"] for e in refused.value.errors()}


@pytest.mark.parametrize(
    ("published", "words"),
    [
        ("2999-12-31", "is in the future"),
        ("2023-02-31", "is not a day of the calendar"),
        ("2023-13", "YYYY, YYYY-MM or YYYY-MM-DD"),
        ("0000", "is before 1900"),
        ("1066-10-14", "is before 1900"),
        ("31/12/2020", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_a_date_must_be_a_real_one_no_later_than_today(published: str, words: str) -> None:
    assert words in problems(published=published)["published"]
    assert words in problems(updated=published)["updated"]


def test_tomorrow_is_refused_and_today_kept() -> None:
    far = (datetime.now(UTC) + timedelta(days=2)).date()
    assert "is in the future" in problems(published=f"{far:%Y-%m-%d}")["published"]
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    assert CaseStudyContent.model_validate(make_draft(published=today)).published == today


@pytest.mark.parametrize("published", ["2019", "2019-05", "2024-02-29", "1900-01-01"])
def test_partial_and_leap_dates_are_kept_as_given(published: str) -> None:
    assert CaseStudyContent.model_validate(make_draft(published=published)).published == published
    assert first_day(published) is not None


def test_an_impossible_date_in_a_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "leap.md"
    path.write_text("---\ntitle: A title\npublished: 2023-02-31\n---\n\nBody\n")
    found = parse_case_study(path)
    assert isinstance(found, list)
    assert {p.field: p.message for p in found}["published"].endswith(
        "'2023-02-31' is not a day of the calendar"
    )


def test_many_unknown_fields_are_one_short_error() -> None:
    body = make_draft(**{f"k{n:05d}": 1 for n in range(60_000)})
    for model in (CaseStudyContent, CaseStudyPatch):
        with pytest.raises(ValidationError) as refused:
            model.model_validate(body)
        (error,) = refused.value.errors()
        assert "unknown field(s) 'k00000', 'k00001'" in error["msg"]
        assert "and 59990 more; allowed: title, council" in error["msg"]


def test_a_few_unknown_fields_are_each_pointed_at() -> None:
    assert problems(colour="red", size=3) == {
        "colour": "Extra inputs are not permitted",
        "size": "Extra inputs are not permitted",
    }


def test_lengths_hold_for_the_text_as_stored() -> None:
    padded = "<span></span>" * 20 + "Too short"
    assert "at least 20 characters" in problems(summary=padded)["summary"]
    assert "at least 3 characters" in problems(title="<b>A</b>")["title"]


def test_text_far_longer_than_its_field_is_refused_as_sent() -> None:
    markup = "<b>x</b> " * 110_000  # a megabyte that would clean to 110,000 characters
    assert "at most 50000 characters" in problems(body=markup)["body"]
    assert "at most 300 characters" in problems(council=markup)["council"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", "Support for M\u0456\u0430's family", "“Mіа” mixes Cyrillic and Latin letters"),
        ("summary", "A hub for kinship carers, run by \u03a5outh services.", "Greek and Latin"),
        ("council", "L\u0435\u0435ds City Council", "“Lееds” mixes Cyrillic and Latin"),
        ("programme", "Fam\u0456ly Valued", "retype it using one alphabet"),
        ("outcomes", ["Re-referrals fell from 24% to 15% for M\u0456\u0430"], "one alphabet"),
        ("partners", ["NHS \u0422rust"], "mixes Cyrillic and Latin"),
        ("title", "Support for M\u200d\u0456\u0430's family", "“Mіа” mixes Cyrillic"),
        ("title", "Z\u0334\u0321\u031b\u031ba\u0338\u0322lgo hub", "4 accents or marks stacked"),
        ("body", "The hub" + "\u0301\u0302\u0303\u0304\u0305\u0306" + " worked.", "at most 3"),
    ],
)
def test_words_in_two_alphabets_and_stacked_marks_are_refused(
    field: str, value: Any, words: str
) -> None:
    """A look-alike letter inside a Latin word, or a stack of accents on one letter, slipped a
    name past the safeguarding check and a title past a moderator's eye."""
    found = problems(**{field: value})
    assert list(found) == [field]
    assert words in found[field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Cefnogi teuluoedd ym Môn a Gŵyr, Llŷn ac Eryri"),
        ("summary", "Siân, Zoë and Chloé's team worked with families across Ynys Môn."),
        ("body", "Parents read leaflets in Українська, Ελληνικά, Tiếng Việt and 日本語."),
        ("partners", ["Canolfan Gymraeg Rhyŵ", "Café Crème"]),
    ],
)
def test_welsh_accents_and_whole_words_of_other_alphabets_are_kept(field: str, value: Any) -> None:
    content = CaseStudyContent.model_validate(make_draft(**{field: value}))
    assert getattr(content, field) == value
