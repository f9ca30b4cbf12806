"""Parser plugins that work on what was typed: thesaurus expansions and filler words.

A run of words that is a thesaurus entry becomes the best of (what was typed, its
alternatives), counted as one word of the query: the sector's synonyms both ways, and the
sector's words for an everyday one, one way only. A filler or question word ("how",
"councils") is dropped, unless it is part of an entry or nothing else was typed; it still
counts in the phrase of all the words typed.
"""

from typing import TYPE_CHECKING, Any

from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.query import DisjunctionMax, NullQuery

from app.search.nodes import Across, Either, Origin
from app.search.thesaurus import Thesaurus, stems

if TYPE_CHECKING:
    from app.search.query import Tuning


def _is_word(node: Any) -> bool:
    return type(node) is syntax.WordNode and node.fieldname is None


def _phrase(text: str, start: int | None) -> Any:
    node = qparser.PhrasePlugin.PhraseNode(text, start or 0)
    node.startchar, node.endchar = start, None if start is None else start + len(text)
    return node


class Expanded(syntax.GroupNode):  # type: ignore[misc]
    """What was typed (its one node) with its alternatives: (phrase, origin, boost) triples.

    Scored as the best of them (a DisjunctionMax), not their sum: a case study that says both
    "care leavers" and "leaving care" holds one idea of the query, not two, and must not
    outrank one that holds that idea and another word of the query (docs/relevance.md).
    Each is weighed `weight` times as much as a plain word: what the thesaurus knows is the
    sector's idea, the topic of the query more often than the words around it."""

    def query(self, parser: Any) -> Any:
        weight = self.kwargs.get("weight", 1.0)
        typed = self.nodes[0].query(parser)
        if typed is not None and typed is not NullQuery and weight != 1.0:
            typed = typed.with_boost(typed.boost * weight)
        fields = self.kwargs["fields"]
        text = self.kwargs["typed"]
        best: dict[tuple[str, ...], Across] = {}
        own = stems(text)  # an alternative that is what was typed ("care leavers" for
        # "care leaver") would count the same words twice
        for phrase, origin, boost in self.kwargs["alternatives"]:
            words = stems(phrase)
            if words and words != own and words not in best:
                best[words] = Across(
                    words, fields, boost=boost * weight, typed=text, origin=origin, phrase=phrase
                )
        parts = [typed] if typed is not None and typed is not NullQuery else []
        if best:
            return Either([DisjunctionMax([*parts, *best.values()])])
        return Either(parts)


class ThesaurusPlugin(qparser.Plugin):  # type: ignore[misc]
    """Replace each run of words that is a thesaurus entry with (entry OR its alternatives)."""

    def __init__(self, thesaurus: Thesaurus, tuning: "Tuning", fields: dict[str, float]) -> None:
        self.thesaurus = thesaurus
        self.tuning = tuning
        self.fields = fields

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self.expand, 105)]  # after groups and wildcards, before operators

    def alternatives(self, text: str, size: int) -> list[tuple[str, Origin, float]]:
        """Each alternative weighted as if it were no longer than what was typed: a phrase
        scores about the sum of its words, so "child and adolescent mental health services"
        would otherwise outweigh the "CAMHS" someone typed. A shorter one is not weighted up:
        "homeless" for "thrown out of home" is one idea of the query, not three."""
        found: dict[str, tuple[Origin, float]] = {}
        everyday = self.thesaurus.meanings(text) if self.tuning.everyday else []
        for phrase in everyday:
            found[phrase] = ("everyday", self.tuning.everyday_boost)
        for phrase in self.thesaurus.synonyms(text):
            found.setdefault(phrase, ("synonym", self.tuning.synonym_boost))
        return [
            (phrase, origin, boost * min(1.0, size / max(len(stems(phrase)), 1)))
            for phrase, (origin, boost) in found.items()
        ]

    def expand(self, parser: Any, group: Any) -> Any:
        nodes = list(group)
        out: list[Any] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, syntax.GroupNode):
                out.append(self.expand(parser, node))
                i += 1
                continue
            if not _is_word(node):
                out.append(node)
                i += 1
                continue
            run = [i]  # positions of consecutive words, white space between them
            j = i + 1
            while (
                len(run) < self.thesaurus.longest
                and j + 1 < len(nodes)
                and isinstance(nodes[j], syntax.Whitespace)
                and _is_word(nodes[j + 1])
            ):
                run.append(j + 1)
                j += 2
            for size in range(len(run), 0, -1):
                text = " ".join(nodes[k].text for k in run[:size])
                alternatives = self.alternatives(text, len(stems(text)) or 1)
                if alternatives:
                    typed = node if size == 1 else _phrase(text, node.startchar)
                    out.append(
                        Expanded(
                            [typed],
                            typed=text,
                            fields=self.fields,
                            alternatives=alternatives,
                            weight=self.tuning.entry_weight,
                        )
                    )
                    i = run[size - 1] + 1
                    break
            else:
                out.append(node)
                i += 1
        group.nodes = out
        return group


class FillerPlugin(qparser.Plugin):  # type: ignore[misc]
    """Drop filler and question words from a query of plain words."""

    def __init__(self, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self.drop, 106)]  # after the thesaurus has taken the phrases it knows

    def drop(self, parser: Any, group: Any) -> Any:
        nodes = list(group)
        if not all(_is_word(n) or isinstance(n, syntax.Whitespace | Expanded) for n in nodes):
            return group  # search syntax: the person chose each word
        kept = [n for n in nodes if not (_is_word(n) and self.thesaurus.is_filler(n.text))]
        if any(_is_word(n) or isinstance(n, Expanded) for n in kept):
            group.nodes = kept
        return group
