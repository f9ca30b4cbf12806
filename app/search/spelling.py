"""The spelling list: every whole word indexed, with how many case studies hold it, kept beside
each generation as a sorted file.

It was a Whoosh field, and that field held more postings than the body: it made a 5,000-document
build take 35 s instead of 20.5. "Did you mean" needs only the words and their counts. Counts are
exact after a rebuild; publishing adds to them and withdrawing does not take away, so between
rebuilds they only rank candidates. Whether a published case study holds a word at all is asked
of the text fields (SearchIndex.corrections): a withdrawn case study's words stay listed until
the next rebuild but are never suggested.
"""

import os
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

FILE = "spelling-words"


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
    """The generation's list (empty if it has none)."""
    try:
        text = path(folder).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Words()
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, _, count = line.partition("\t")
        counts[word] = int(count)
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
