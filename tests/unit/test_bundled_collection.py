"""Invariants of the bundled collection in data/case_studies."""

import json
import re

import pytest

from app.config import ROOT
from app.core.collection import read_collection
from app.core.content import CaseStudyFile
from app.core.drafting import apart, plain_words
from app.core.vocabulary import get_vocabulary

REFERENCE = ROOT.parent / "shared" / "reference"
FACTS_FILES = [REFERENCE / "case_study_facts.jsonl", REFERENCE / "more_case_study_facts.jsonl"]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@pytest.fixture(scope="module")
def collection() -> list[CaseStudyFile]:
    studies, problems = read_collection(ROOT / "data" / "case_studies")
    assert [str(p) for p in problems] == []
    return studies


@pytest.fixture(scope="module")
def facts() -> dict[str, dict[str, object]]:
    if not all(path.exists() for path in FACTS_FILES):
        pytest.skip(f"the reference facts are not beside this checkout ({REFERENCE})")
    lines = [line for path in FACTS_FILES for line in path.read_text().splitlines()]
    return {row["ref"]: row for row in map(json.loads, filter(str.strip, lines))}


def test_size_and_coverage(collection: list[CaseStudyFile]) -> None:
    vocabulary = get_vocabulary()
    assert len(collection) >= 90
    assert {a for s in collection for a in s.priority_areas} == set(
        vocabulary.slugs("priority_areas")
    )
    assert {b for s in collection for b in s.age_bands} == set(vocabulary.slugs("age_bands"))
    assert len({t for s in collection for t in s.themes}) >= 30
    assert len({s.source_url for s in collection}) == len(collection)
    assert all(s.status == "published" for s in collection)


def test_every_body_has_the_lga_sections(collection: list[CaseStudyFile]) -> None:
    for study in collection:
        headings = re.findall(r"^## (.+)$", study.body, re.M)
        assert headings[:4] == ["In plain words", "The challenge", "The solution", "The impact"]
        assert headings[-1] == "Questions it helps answer", study.slug
        assert set(headings[4:-1]) <= {"Lessons learned"}, study.slug


def test_every_case_study_says_what_it_is_for_in_plain_words(
    collection: list[CaseStudyFile],
) -> None:
    """Two to four sentences a family would use: no figures (a digit may only be part of a
    programme's name, like "Future4Me") and no acronyms but a programme's own name."""
    for study in collection:
        plain, _ = plain_words(study.body)
        assert 40 <= len(plain.split()) <= 95, study.slug
        assert not re.search(r"(?<![A-Za-z])\d", plain), study.slug
        names = f"{study.title} {study.programme}"  # a programme may be called "BASE"
        capitals = set(re.findall(r"\b[A-Z]{3,}\b", plain)) - set(names.split())
        assert not capitals, study.slug


def test_every_case_study_lists_questions_people_would_ask_of_it(
    collection: list[CaseStudyFile],
) -> None:
    """What a parent, a practitioner or a councillor might type when this case study is what
    they need: a list, each a search-box line, with no figures (ages, dates and amounts say
    nothing the case study must stand behind), none asked twice."""
    for study in collection:
        questions, _ = apart(study.body, "questions")
        lines = questions.splitlines()
        assert 6 <= len(lines) <= 14, study.slug
        assert len({line.casefold() for line in lines}) == len(lines), study.slug
        for line in lines:
            assert line.startswith("- "), study.slug
            assert 5 <= len(line.split()) <= 24, line
            assert not re.search(r"(?<![A-Za-z])\d", line), line


def _prose(study: CaseStudyFile) -> str:
    parts = [
        study.title,
        study.summary,
        study.body,
        study.programme or "",
        *study.outcomes,
        *study.partners,
    ]
    return "\n".join(parts)


def _row_text(row: dict[str, object]) -> str:
    facts = row["facts"]
    assert isinstance(facts, list)
    return " ".join(
        [
            *map(str, facts),
            str(row["title"]),
            str(row["council"]),
            str(row.get("contact_or_programme") or ""),
        ]
    )


def test_every_case_study_comes_from_a_fact_row(
    collection: list[CaseStudyFile], facts: dict[str, dict[str, object]]
) -> None:
    for study in collection:
        row = facts.get(study.slug)
        assert row is not None, f"{study.slug} has no fact row"
        assert (study.source_url, study.council, study.region) == (
            row["source_url"],
            row["council"],
            row["region"],
        ), study.slug
        assert study.published == row["published"], study.slug


def test_no_figure_that_is_not_in_the_facts(
    collection: list[CaseStudyFile], facts: dict[str, dict[str, object]]
) -> None:
    for study in collection:
        allowed = set(NUMBER.findall(_row_text(facts[study.slug])))
        stray = set(NUMBER.findall(_prose(study))) - allowed
        assert not stray, f"{study.slug}: figures not in the facts: {sorted(stray)}"


def test_no_sentence_copied_from_the_facts(
    collection: list[CaseStudyFile], facts: dict[str, dict[str, object]]
) -> None:
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    for study in collection:
        runs = set()
        for fact in facts[study.slug]["facts"]:  # type: ignore[attr-defined]
            w = words(fact)
            runs |= {tuple(w[i : i + 8]) for i in range(len(w) - 7)}
        w = words(_prose(study))
        copied = [" ".join(w[i : i + 8]) for i in range(len(w) - 7) if tuple(w[i : i + 8]) in runs]
        assert not copied, f"{study.slug} repeats the facts word for word: {copied[0]!r}"


def test_measured_outcomes_are_as_audited(
    collection: list[CaseStudyFile], facts: dict[str, dict[str, object]]
) -> None:
    """Where the audit decided whether a row reports a measured outcome, the file agrees, and a
    case study that reports one lists it."""
    audited = [s for s in collection if "has_measured_outcome" in facts[s.slug]]
    assert len(audited) == 100
    for study in audited:
        assert study.has_measured_outcome is facts[study.slug]["has_measured_outcome"], study.slug
    for study in collection:
        assert study.has_measured_outcome is bool(study.outcomes), study.slug


def test_coverage_of_the_grown_collection(collection: list[CaseStudyFile]) -> None:
    """Every priority area x age band cell holds at least four case studies; every English
    region and Wales is represented; at least 40 themes are used."""
    vocabulary = get_vocabulary()
    cells = {
        (a, b): sum(1 for s in collection if a in s.priority_areas and b in s.age_bands)
        for a in vocabulary.slugs("priority_areas")
        for b in vocabulary.slugs("age_bands")
    }
    assert {cell: n for cell, n in cells.items() if n < 4} == {}
    assert {s.region for s in collection} == {t.label for t in vocabulary.regions}
    assert len({t for s in collection for t in s.themes}) >= 40
    assert "kinship-care" in {t for s in collection for t in s.themes}
