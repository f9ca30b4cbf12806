"""Council names are vocabulary names: the councils of England and Wales, in their common forms."""

from collections import Counter
from pathlib import Path

import pytest

from app.config import ROOT
from app.core.collection import read_collection
from app.core.councils import (
    CouncilsError,
    UnknownCouncil,
    get_councils,
    load_councils,
    same_council,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Leeds City Council", "Leeds City Council"),
        ("LEEDS CITY COUNCIL", "Leeds City Council"),
        ("  leeds   city council ", "Leeds City Council"),
        ("Leeds", "Leeds City Council"),
        ("Leeds council", "Leeds City Council"),
        ("City of Leeds", "Leeds City Council"),
        ("Telford and Wrekin", "Telford & Wrekin Council"),
        ("St. Helens", "St Helens Council"),
        ("Bristol, City of", "Bristol City Council"),
        ("County Durham", "Durham County Council"),
        ("Kingston upon Hull", "Hull City Council"),
        ("Rhondda Cynon Taff Council", "Rhondda Cynon Taf County Borough Council"),
        ("calderdale council", "Calderdale Council"),  # the collection's spelling, kept
        ("somerset", "Somerset Council"),  # the current council before the abolished one
        ("Somerset County Council", "Somerset County Council"),  # named, the old one is kept
        (
            "leeds city council (with West Yorkshire Police)",
            "Leeds City Council (with West Yorkshire Police)",
        ),
        (
            "rochdale borough council and wigan council",
            "Rochdale Borough Council and Wigan Council",
        ),  # a joint programme of the collection, as written
    ],
)
def test_a_council_is_found_in_its_common_forms(typed: str, stored: str) -> None:
    assert get_councils().canonical(typed) == stored


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Leeds Citty Council", "'Leeds City Council'"),
        ("Birmingam", "'Birmingham City Council'"),
        ("Example Borough Council", None),
        ("Glasgow City Council", None),  # Scotland
        ("Leeds City Council, Bradford and Wakefield", None),  # a joint programme we do not list
    ],
)
def test_an_unknown_council_is_refused_naming_the_closest(
    typed: str, suggested: str | None
) -> None:
    with pytest.raises(UnknownCouncil) as refused:
        get_councils().canonical(typed)
    message = str(refused.value)
    assert f"{typed!r} is not a council of England or Wales" in message
    if suggested:
        assert f"Did you mean {suggested}" in message


def test_the_list_has_every_council_of_england_and_wales() -> None:
    current = Counter(c.kind for c in get_councils().councils if c.ended is None)
    # 317 councils in England since April 2023, and Wales's 22 principal councils.
    assert sum(n for kind, n in current.items() if kind != "WPA") == 317
    assert current == {"NMD": 164, "UA": 63, "MD": 36, "LBO": 32, "WPA": 22, "CTY": 21, "CC": 1}


def test_the_bundled_collection_names_councils_as_they_are_stored() -> None:
    studies, problems = read_collection(ROOT / "data" / "case_studies")
    assert problems == []
    councils = get_councils()
    assert [s.council for s in studies if councils.canonical(s.council) != s.council] == []


def test_a_malformed_councils_file_says_which_entry(tmp_path: Path) -> None:
    path = tmp_path / "councils.yaml"
    path.write_text("councils:\n  - [LDS, Leeds City Council, Leeds, PARISH]\n")
    with pytest.raises(CouncilsError, match="LDS has kind 'PARISH'"):
        load_councils(path)
    path.write_text("councils:\n  - [LDS, Leeds City Council, Leeds, MD]\nknown_as:\n  XXX: [X]\n")
    with pytest.raises(CouncilsError, match="no council has the codes"):
        load_councils(path)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Calderdale Council", "Calderdale Metropolitan Borough Council", True),
        ("Leeds City Council", "leeds", True),
        ("Leeds City Council", "Leeds City Council (with West Yorkshire Police)", True),
        ("Leeds City Council", "City of York Council", False),
        ("Somerset Council", "Somerset County Council", False),  # the old council is another
        ("Rochdale Borough Council and Wigan Council", "Rochdale Borough Council", False),
        ("Nowhere Council", "nowhere  council", True),  # spelled alike, known or not
    ],
)
def test_two_names_are_one_council_in_any_of_its_forms(a: str, b: str, same: bool) -> None:
    assert same_council(a, b) is same and same_council(b, a) is same
