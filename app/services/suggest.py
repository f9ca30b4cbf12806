"""Type-ahead suggestions over themes, programmes, councils and case study titles.

Built once per index state from the index's catalogue (published case studies only), then
answered by a scan of a few hundred short strings, well under a millisecond at the collection's
size.
"""

import re
from dataclasses import dataclass

from app.core.results import Suggestion
from app.core.vocabulary import Vocabulary
from app.search.index import Catalogue
from app.search.thesaurus import normal

KIND_ORDER = {"theme": 0, "programme": 1, "council": 2, "case_study": 3}
_PARTS = re.compile(r"[;()]")


@dataclass(frozen=True)
class _Entry:
    key: str  # normal form, with a leading space so " " + prefix finds word starts
    suggestion: Suggestion


def programme_names(programme: str) -> list[str]:
    """Split "B Positive Pathways (No Wrong Door; Mockingbird)" into the names it holds."""
    names = [part.strip(" ,.") for part in _PARTS.split(programme)]
    return [n for n in names if n and not n[0].islower()]


class Suggester:
    def __init__(self, catalogue: Catalogue, vocabulary: Vocabulary) -> None:
        suggestions = [
            Suggestion(
                text=vocabulary.label("themes", slug),
                kind="theme",
                value=slug,
                count=count,
            )
            for slug, count in catalogue.themes.items()
        ]
        programmes: dict[str, int] = {}
        for programme, count in catalogue.programmes.items():
            for name in programme_names(programme):
                programmes[name] = programmes.get(name, 0) + count
        suggestions += [
            Suggestion(
                text=name,
                kind="programme",
                value=name,
                count=count,
            )
            for name, count in programmes.items()
        ]
        suggestions += [
            Suggestion(
                text=name,
                kind="council",
                value=name,
                count=count,
            )
            for name, count in catalogue.councils.items()
        ]
        suggestions += [
            Suggestion(
                text=title,
                kind="case_study",
                value=slug,
                count=1,
            )
            for slug, title in catalogue.titles
        ]
        self._entries = [_Entry(" " + normal(s.text), s) for s in suggestions]

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        """Entries with a word that starts with prefix: whole-name starts first, then by kind
        and by how many case studies they lead to."""
        wanted = normal(prefix)
        if not wanted:
            return []
        needle = " " + wanted
        found = [
            (not entry.key.startswith(needle), KIND_ORDER[s.kind], -s.count, s.text.casefold(), s)
            for entry in self._entries
            if needle in entry.key and (s := entry.suggestion)
        ]
        found.sort(key=lambda row: row[:4])
        seen: set[tuple[str, str]] = set()
        results = []
        for *_, suggestion in found:
            if (suggestion.kind, suggestion.text.casefold()) not in seen:
                seen.add((suggestion.kind, suggestion.text.casefold()))
                results.append(suggestion)
        return results[:limit]
