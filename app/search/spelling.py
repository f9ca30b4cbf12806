"""The spelling dictionary: every whole word indexed, as a sorted word list beside each generation.

It was a Whoosh field, and that field held more postings than the body: it made a 5,000-document
build take 35 s instead of 20. "Did you mean" only needs the words: they are listed here, and
whether a published case study holds one is asked of the text fields (SearchIndex.corrections).
So the list may keep the words of a withdrawn case study until the next rebuild without ever
suggesting them.
"""

import os
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

FILE = "spelling-words"


def path(folder: Path) -> Path:
    return folder / FILE


def read(folder: Path) -> list[str]:
    """The generation's words, sorted (empty if it has no list)."""
    try:
        text = path(folder).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return text.split("\n") if text else []


def write(folder: Path, words: Iterable[str]) -> None:
    """Replace the generation's list, atomically: readers see the old list or the new one."""
    temporary = folder / f"{FILE}.tmp"
    temporary.write_text("\n".join(sorted(set(words))), encoding="utf-8")
    os.replace(temporary, path(folder))


def add(folder: Path, words: Iterable[str]) -> None:
    new = set(words)
    known = read(folder)
    if not new.issubset(known):
        write(folder, new.union(known))


def within(words: list[str], word: str, distance: int, prefix: int) -> list[str]:
    """Words of a sorted list within `distance` Damerau-Levenshtein edits of `word` that share
    its first `prefix` letters (Whoosh's own automaton, so the same words its reader finds)."""

    def first_at_or_after(key: str) -> str | None:
        at = bisect_left(words, key)
        return words[at] if at < len(words) else None

    automaton = levenshtein_automaton(word, distance, prefix).to_dfa()
    return list(find_all_matches(automaton, first_at_or_after))
