"""The sector's synonyms and age words, read from data/thesaurus.yaml.

Phrases are compared in a normal form (lower case, words only), so "Looked-After" and
"looked after" are the same entry.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.search.analysis import WORD

# The repository's data folder, found from here rather than from app.config, which would tie
# this layer to the web layer's settings.
THESAURUS_FILE = Path(__file__).resolve().parents[2] / "data" / "thesaurus.yaml"


def normal(text: str) -> str:
    return " ".join(WORD.findall(text.casefold().replace("\u2019", "'")))


class Thesaurus:
    """Synonym groups and age words, indexed by their normal forms."""

    def __init__(self, groups: list[list[str]], age_words: dict[str, list[str]]) -> None:
        self.groups = [list(dict.fromkeys(normal(p) for p in group)) for group in groups]
        self.age_words = age_words
        self._lookup = {phrase: i for i, group in enumerate(self.groups) for phrase in group}
        self._ages: dict[str, list[str]] = {}
        for band, words in age_words.items():
            for word in words:
                self._ages.setdefault(normal(word), []).append(band)
        phrases = [*self._lookup, *self._ages]
        self.longest = max((len(p.split()) for p in phrases), default=1)
        self._words = frozenset(w for p in phrases for w in p.split())

    def synonyms(self, phrase: str) -> list[str]:
        """The other members of the phrase's group (distinct normal forms), or []."""
        own = normal(phrase)
        group = self._lookup.get(own)
        return [] if group is None else [p for p in self.groups[group] if p != own]

    def age_bands(self, text: str) -> list[str]:
        """The age bands that the age words in text point to, in the order found."""
        words = normal(text).split()
        found: list[str] = []
        for size in range(self.longest, 0, -1):
            for start in range(len(words) - size + 1):
                found.extend(self._ages.get(" ".join(words[start : start + size]), []))
        return list(dict.fromkeys(found))

    def knows(self, word: str) -> bool:
        """Whether a word is part of any entry (so it is not a typo)."""
        return normal(word) in self._words


def parse_thesaurus(data: Any) -> Thesaurus:
    if not isinstance(data, dict):
        raise ValueError("the thesaurus must be a mapping with 'synonyms' and 'age_words'")
    groups = data.get("synonyms") or []
    ages = data.get("age_words") or {}
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(p, str) and normal(p) for p in g)
        for g in groups
    ):
        raise ValueError("synonyms: each entry must be a list of two or more words or phrases")
    if not isinstance(ages, dict) or not all(
        isinstance(ws, list) and all(isinstance(w, str) and normal(w) for w in ws)
        for ws in ages.values()
    ):
        raise ValueError("age_words: map each age band to a list of words")
    return Thesaurus(groups, {str(band): words for band, words in ages.items()})


def load_thesaurus(path: Path = THESAURUS_FILE) -> Thesaurus:
    return parse_thesaurus(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def get_thesaurus() -> Thesaurus:
    return load_thesaurus()
