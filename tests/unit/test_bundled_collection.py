"""Invariants of the bundled collection in data/case_studies."""

import json
import re

import pytest

from app.config import ROOT
from app.core.collection import read_collection
from app.core.content import CaseStudyFile
from app.core.vocabulary import get_vocabulary

FACTS_FILE = ROOT.parent / "shared" / "reference" / "case_study_facts.jsonl"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@pytest.fixture(scope="module")
def collection() -> list[CaseStudyFile]:
    studies, problems = read_collection(ROOT / "data" / "case_studies")
    assert [str(p) for p in problems] == []
    return studies


@pytest.fixture(scope="module")
def facts() -> dict[str, dict[str, object]]:
    if not FACTS_FILE.exists():
        pytest.skip(f"the reference facts are not beside this checkout ({FACTS_FILE})")
    rows = (json.loads(line) for line in FACTS_FILE.read_text().splitlines() if line.strip())
    return {row["ref"]: row for row in rows}


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
        assert headings[:3] == ["The challenge", "The solution", "The impact"], study.slug
        assert set(headings) <= {"The challenge", "The solution", "The impact", "Lessons learned"}


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
