"""Spelling correction: the word list kept beside each generation, and choosing a correction.

The list holds every whole word indexed with how many case studies hold it. Counts are exact
after a rebuild; publishing adds to them and withdrawing does not take away, so between rebuilds
they only rank candidates. Whether a published case study holds a word is asked of the index
(the `holds` callable), so a withdrawn case study's words are never suggested.
"""

import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

FILE = "spelling-words"
# What one query's correction may cost (issue #15): an automaton is built per unknown word, in
# time that grows with its length (a 49-letter word took 0.2 s, 180 made-up words 1.6 s). A
# longer word is not a slip of the keyboard, and no one misspells more than a few words at once.
MAX_LETTERS = 20
MAX_UNKNOWN = 6


@dataclass(frozen=True)
class Words:
    counts: dict[str, int] = field(default_factory=dict)
    sorted: list[str] = field(default_factory=list)

    def within(self, word: str, distance: int, prefix: int) -> list[str]:
        """Listed words within `distance` Damerau-Levenshtein edits of `word` that share its
        first `prefix` letters (Whoosh's own automaton: the words its reader would find)."""
        words = self.sorted

        def first_at_or_after(key: str) -> str | None:
            at = bisect_left(words, key)
            return words[at] if at < len(words) else None

        automaton = levenshtein_automaton(word, distance, prefix).to_dfa()
        return list(find_all_matches(automaton, first_at_or_after))


def path(folder: Path) -> Path:
    return folder / FILE


def read(folder: Path) -> Words:
    """The generation's list (empty if it has none); ValueError if it is damaged."""
    counts: dict[str, int] = {}
    try:
        text = path(folder).read_text(encoding="utf-8")
        for line in text.splitlines():
            word, _, count = line.partition("\t")
            counts[word] = int(count)
    except FileNotFoundError:
        return Words()
    except ValueError as error:  # not UTF-8, or a line that is not word<TAB>count
        raise ValueError(f"the spelling list {path(folder)} is damaged: {error}") from error
    return Words(counts, list(counts))  # written sorted


def write(folder: Path, counts: Counter[str]) -> None:
    """Replace the generation's list, atomically: readers see the old list or the new one."""
    temporary = folder / f"{FILE}.tmp"
    lines = (f"{word}\t{counts[word]}" for word in sorted(counts))
    temporary.write_text("\n".join(lines), encoding="utf-8")
    os.replace(temporary, path(folder))


def add(folder: Path, counts: Counter[str]) -> None:
    if counts:
        write(folder, Counter(read(folder).counts) + counts)


def correct(
    words: Iterable[str],
    listed: Words,
    holds: Callable[[str], bool],
    known: Words | None = None,
) -> dict[str, str]:
    """Map each word that `holds` rejects to its likeliest intended word.

    Candidates are listed words one edit away, then two (for words over five letters), sharing
    the first letter; the one most case studies hold wins, among those that `holds` accepts.
    Failing those, a `known` word at the same distances (the thesaurus's: no case study holds
    "depression", but "postnatal depression" leads to ones that do). Only the first MAX_UNKNOWN
    unknown words of up to MAX_LETTERS letters are corrected.
    """
    found: dict[str, str] = {}
    unknown: set[str] = set()
    for word in words:
        if word in found or word in unknown or len(word) > MAX_LETTERS or holds(word):
            continue
        if len(unknown) >= MAX_UNKNOWN:
            break
        unknown.add(word)
        for distance in (1, 2) if len(word) > 5 else (1,):
            candidates = listed.within(word, distance, prefix=1)
            ranked = sorted(candidates, key=lambda c: (-listed.counts[c], c))
            fix = next((c for c in ranked if c != word and holds(c)), None)
            if fix is None and known is not None:
                fix = next(iter(sorted(known.within(word, distance, prefix=1))), None)
            if fix is not None:
                found[word] = fix
                break
    return found
