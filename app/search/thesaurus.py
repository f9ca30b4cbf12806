"""The sector's synonyms, everyday words, filler words and age words, read from
data/thesaurus.yaml.

Phrases are compared in a normal form (lower case, words only), so "Looked-After" and
"looked after" are the same entry; failing that, word by word in their stemmed forms, so that
"foster kid" finds the entry for "foster kids" — except that a past participle in the sector's
words is a status, found only as typed: "looked after" children are in care, while "looking
after" or "look after" a child is what any parent or grandparent does (see `participles_kept`).
"""

import re
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from app.core.caches import bytes_cache
from app.core.vocabulary import get_vocabulary
from app.core.words import WORD
from app.core.yaml_files import load_yaml
from app.search import spelling
from app.search.analysis import stem

# The repository's data folder, found from here rather than from app.config, which would tie
# this layer to the web layer's settings.
THESAURUS_FILE = Path(__file__).resolve().parents[2] / "data" / "thesaurus.yaml"


# Both take whole queries and suggest prefixes as well as thesaurus phrases, so both are bounded
# in bytes (app/core/caches.py).
PHRASE_CACHE_BYTES = 4 * 2**20

# A child's age as a parent or a young person gives it: "my 15 year old", "a 3-year-old",
# "aged 14", "I'm 16". It lifts the age bands holding that age, as age words do.
_AGE = re.compile(
    r"\b(\d{1,2})[ -]?(?:years?|yrs?)[ -]?olds?\b|\baged (\d{1,2})\b|\bi(?:'m| am) (\d{1,2})\b"
)


@bytes_cache(PHRASE_CACHE_BYTES)
def normal(text: str) -> str:
    return " ".join(WORD.findall(text.casefold().replace("\u2019", "'")))


@bytes_cache(PHRASE_CACHE_BYTES)
def stemmed(text: str) -> str:
    """The phrase's normal form with each word stemmed (stop words kept as they are)."""
    return " ".join(stem(word) or word for word in normal(text).split())


class Thesaurus:
    """Synonym groups, one-way everyday words, filler words and age words, by normal form."""

    def __init__(
        self,
        groups: list[list[str]],
        age_words: dict[str, list[str]],
        everyday: dict[str, list[str]] | None = None,
        filler: list[str] | None = None,
        place_words: dict[str, list[str]] | None = None,
    ) -> None:
        self.groups = [list(dict.fromkeys(normal(p) for p in group)) for group in groups]
        self.age_words = age_words
        self.everyday = {
            normal(word): list(dict.fromkeys(normal(t) for t in targets))
            for word, targets in (everyday or {}).items()
        }
        self.filler = frozenset(normal(word) for word in filler or [])
        # The everyday rules' own targets, not their synonyms: what a searcher is told of.
        self.targets = frozenset(t for targets in self.everyday.values() for t in targets)
        self._lookup: dict[str, int] = {}
        # Each stemmed form, with the phrases of the groups it stands for.
        self._stemmed: dict[str, list[tuple[str, int]]] = {}
        for i, group in enumerate(self.groups):
            for phrase in group:
                self._lookup.setdefault(phrase, i)
                self._stemmed.setdefault(stemmed(phrase), []).append((phrase, i))
        self._everyday: dict[str, str] = {}
        for word in self.everyday:
            self._everyday.setdefault(word, word)
            self._everyday.setdefault(stemmed(word), word)
        self._ages = _index(age_words)
        self.place_words = place_words or {}
        self._places = _index(self.place_words)
        phrases = [*self._lookup, *self._stemmed, *self._ages, *self._everyday, *self._places]
        self.longest = max((len(p.split()) for p in phrases), default=1)
        self._words = frozenset(w for p in [*phrases, *self.everyday] for w in p.split())

    def with_everyday(self, extra: dict[str, list[str]]) -> "Thesaurus":
        """A copy with more everyday entries (moderators' accepted ones); the file's own entry
        for a phrase wins over an added one."""
        if not extra:
            return self
        everyday = {**{normal(k): v for k, v in extra.items()}, **self.everyday}
        age_words = self.age_words
        return Thesaurus(self.groups, age_words, everyday, list(self.filler), self.place_words)

    @cached_property
    def spelled(self) -> spelling.Words:
        """The entries' own words as written (not their stems), for a typo of a word only the
        thesaurus knows: "postnatal depresion", where no case study says "depression"."""
        phrases = [*self.entries(), *self.everyday]
        found = {w for p in phrases for w in p.split() if w.isalpha() and len(w) >= 4}
        return spelling.Words(dict.fromkeys(found, 0), sorted(found))

    def entries(self) -> list[str]:
        """Every phrase the thesaurus knows as the sector's: synonyms and everyday targets."""
        found = [p for group in self.groups for p in group]
        found += [p for targets in self.everyday.values() for p in targets]
        return list(dict.fromkeys(found))

    def phrases(self) -> list[tuple[str, ...]]:
        """Every entry of more than one word, as its stems: what a search for it matches
        (read ahead by the index, as searches for them are common and checking a phrase of
        common words is slow the first time)."""
        found = (stems(phrase) for phrase in self.entries())
        return list(dict.fromkeys(words for words in found if len(words) > 1))

    def _group(self, phrase: str) -> int | None:
        own = normal(phrase)
        found = self._lookup.get(own)
        if found is not None:
            return found
        matches = self._stemmed.get(stemmed(own), [])
        return next((i for entry, i in matches if participles_kept(own, entry)), None)

    def synonyms(self, phrase: str) -> list[str]:
        """The other members of the phrase's group (distinct normal forms), or []."""
        own = normal(phrase)
        group = self._group(own)
        return [] if group is None else [p for p in self.groups[group] if p != own]

    def meanings(self, phrase: str) -> list[str]:
        """The sector's words for an everyday word or phrase, with their own synonyms: one way
        only ("kids" finds "children"; "children" does not find "kids")."""
        own = normal(phrase)
        entry = self._everyday.get(own) or self._everyday.get(stemmed(own))
        if entry is None:  # "my wife's", "mum's", "nan's": the everyday word, possessed
            bare = unpossessed(own)
            entry = self._everyday.get(bare) or self._everyday.get(stemmed(bare))
        if entry is None:
            return []
        found: list[str] = []
        for target in self.everyday[entry]:
            found.append(target)
            group = self._group(target)
            if group is not None:
                found += self.groups[group]
        return [p for p in dict.fromkeys(found) if p != own]

    def is_filler(self, word: str) -> bool:
        """Whether a word says nothing about the topic on its own ("how", "councils"), as a
        number does ("at 18", "I'm 43", "my 12 year old": an age lifts its band, and an entry
        that holds a number, "after 18", still counts)."""
        own = normal(word)
        return own in self.filler or own.isdigit()

    def age_bands(self, text: str, numbers: bool = True) -> list[str]:
        """The age bands that the age words in text point to, in the order found, then those
        holding the ages in years it gives ("my 15 year old"), if numbers."""
        found = self._find(self._ages, text)
        if numbers:
            for match in _AGE.finditer(normal_age(text)):
                age = int(next(group for group in match.groups() if group))
                found += get_vocabulary().bands_for_age(age)
        return list(dict.fromkeys(found))

    def regions(self, text: str) -> list[str]:
        """The regions (slugs) that the place words in text point to, in the order found."""
        return self._find(self._places, text)

    def _find(self, entries: dict[str, list[str]], text: str) -> list[str]:
        words = normal(text).split()
        found: list[str] = []
        for size in range(self.longest, 0, -1):
            for start in range(len(words) - size + 1):
                found.extend(entries.get(" ".join(words[start : start + size]), []))
        return list(dict.fromkeys(found))

    def knows(self, word: str) -> bool:
        """Whether a word is part of any entry (so it is not a typo)."""
        return normal(word) in self._words


def unpossessed(text: str) -> str:
    """A normal form with possessives taken off ("my wife's" -> "my wife"): the stemmer keeps
    them ("wife'"), so "my wife's depression" did not find the entry for "wife"."""
    return " ".join(w[:-2] if w.endswith("'s") and len(w) > 3 else w for w in text.split())


def participles_kept(typed: str, entry: str) -> bool:
    """Whether a phrase found by its stems keeps the entry's past participles as they are.

    The sector names states with them: "looked after" (in care), "connected persons",
    "separated children", "care experienced". Another form of the same verb is an everyday
    action ("looking after my little brother", "connecting families"), not that status. Only
    the sector's groups are compared so; a parent's own words ("kicked out", "moved around")
    are found in any form."""
    return all(
        t == e or not (e.endswith("ed") and stem(e) != e)
        for t, e in zip(typed.split(), entry.split(), strict=False)
    )


def stems(phrase: str) -> tuple[str, ...]:
    """A phrase's words as the text fields index them (stop words dropped)."""
    return tuple(s for s in (stem(w) for w in phrase.split()) if s is not None)


def normal_age(text: str) -> str:
    """Text in lower case with curly apostrophes straightened, for _AGE."""
    return text.casefold().replace("\u2019", "'")


def _index(entries: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each word's normal form, with the keys (age bands, regions) it points to."""
    found: dict[str, list[str]] = {}
    for key, words in entries.items():
        for word in words:
            found.setdefault(normal(word), []).append(key)
    return found


def _phrases(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(p, str) and normal(p) for p in value)


def parse_thesaurus(data: Any) -> Thesaurus:
    if not isinstance(data, dict):
        raise ValueError("the thesaurus must be a mapping with 'synonyms' and 'age_words'")
    groups = data.get("synonyms") or []
    ages = data.get("age_words") or {}
    everyday = data.get("everyday") or {}
    filler = data.get("filler") or []
    places = data.get("place_words") or {}
    if not isinstance(groups, list) or not all(_phrases(g) and len(g) >= 2 for g in groups):
        raise ValueError("synonyms: each entry must be a list of two or more words or phrases")
    if not isinstance(ages, dict) or not all(_phrases(ws) for ws in ages.values()):
        raise ValueError("age_words: map each age band to a list of words")
    if not isinstance(everyday, dict) or not all(
        isinstance(k, str) and normal(k) and _phrases(v) and v for k, v in everyday.items()
    ):
        raise ValueError("everyday: map each everyday word or phrase to a list of the sector's")
    if not _phrases(filler):
        raise ValueError("filler: a list of words")
    if not isinstance(places, dict) or not all(_phrases(ws) for ws in places.values()):
        raise ValueError("place_words: map each region to a list of words")
    return Thesaurus(
        groups,
        {str(band): words for band, words in ages.items()},
        everyday,
        filler,
        {str(region): words for region, words in places.items()},
    )


def load_thesaurus(path: Path = THESAURUS_FILE) -> Thesaurus:
    return parse_thesaurus(load_yaml(path.read_text(encoding="utf-8")))


@cache
def get_thesaurus() -> Thesaurus:
    return load_thesaurus()
