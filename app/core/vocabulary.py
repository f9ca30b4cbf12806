"""The controlled vocabularies: priority areas, age bands, themes, regions, evidence levels."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.config import ROOT

VOCABULARY_FILE = ROOT / "data" / "vocabulary.yaml"
KINDS = ("priority_areas", "age_bands", "themes", "regions", "evidence")
# Each filter's name (in URLs, the API and the index) -> the vocabulary kind its values come from.
FILTERS = {
    "priority_area": "priority_areas",
    "age_band": "age_bands",
    "theme": "themes",
    "region": "regions",
    "evidence": "evidence",
}
TAG_KINDS = ("priority_areas", "age_bands", "themes")  # what a case study is tagged with
TAG_FILTERS = {kind: name for name, kind in FILTERS.items() if kind in TAG_KINDS}


@dataclass(frozen=True)
class Term:
    slug: str
    label: str
    description: str
    short_label: str | None = None  # what a filter shows where the label is long
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class Vocabulary:
    priority_areas: tuple[Term, ...]
    age_bands: tuple[Term, ...]
    themes: tuple[Term, ...]
    regions: tuple[Term, ...]
    evidence: tuple[Term, ...]
    _by_kind: dict[str, dict[str, Term]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for kind in KINDS:
            self._by_kind[kind] = {t.slug: t for t in getattr(self, kind)}

    def terms(self, kind: str) -> tuple[Term, ...]:
        terms: tuple[Term, ...] = getattr(self, kind)
        return terms

    def slugs(self, kind: str) -> list[str]:
        return list(self._by_kind[kind])

    def find(self, kind: str, slug: str) -> Term | None:
        return self._by_kind[kind].get(slug)

    def label(self, kind: str, slug: str) -> str:
        term = self.find(kind, slug)
        return term.label if term else slug

    def short_label(self, kind: str, slug: str) -> str:
        """The term's short name where it has one (a filter's checkbox), else its label."""
        term = self.find(kind, slug)
        return (term.short_label or term.label) if term else slug

    def region_slug(self, name: str) -> str | None:
        """Return the region slug for a slug or a label ("North West" -> "north-west")."""
        key = name.strip().lower()
        for term in self.regions:
            if key in (term.slug, term.label.lower()):
                return term.slug
        return None

    def bands_for_age(self, age: int) -> list[str]:
        """Return every age band containing a child's age; bands share their boundary years."""
        return [
            t.slug
            for t in self.age_bands
            if t.min_age is not None and t.max_age is not None and t.min_age <= age <= t.max_age
        ]


class VocabularyError(ValueError):
    """The vocabulary file is malformed; the message names the entry."""


def _terms(data: dict[str, Any], kind: str) -> tuple[Term, ...]:
    entries = data.get(kind)
    if not isinstance(entries, list) or not entries:
        raise VocabularyError(f"{kind}: expected a non-empty list")
    terms: list[Term] = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) and entry.get(k) for k in ("slug", "label", "description")
        ):
            raise VocabularyError(f"{kind}[{n}]: needs slug, label and description strings")
        if "short_label" in entry and not (
            isinstance(entry["short_label"], str) and entry["short_label"]
        ):
            raise VocabularyError(f"{kind}[{n}]: short_label must be a non-empty string")
        terms.append(Term(**entry))
    slugs = [t.slug for t in terms]
    duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicated:
        raise VocabularyError(f"{kind}: duplicated slugs {duplicated}")
    return tuple(terms)


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and validate a vocabulary file; raise VocabularyError naming what is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: expected a mapping of {', '.join(KINDS)}")
    terms = {kind: _terms(data, kind) for kind in KINDS}
    vocabulary = Vocabulary(
        priority_areas=terms["priority_areas"],
        age_bands=terms["age_bands"],
        themes=terms["themes"],
        regions=terms["regions"],
        evidence=terms["evidence"],
    )
    for band in vocabulary.age_bands:
        if band.min_age is None or band.max_age is None:
            raise VocabularyError(f"age_bands: {band.slug} needs min_age and max_age")
    return vocabulary


@cache
def get_vocabulary() -> Vocabulary:
    """Return the project's vocabulary, loaded and validated once per process."""
    return load_vocabulary(VOCABULARY_FILE)
