"""The query nodes the builder makes beyond Whoosh's own, which the ranker scores as a whole.

`Across` is one word or phrase searched in every text field at once: BM25F adds its frequencies
across the fields before saturating them. `Either` is what a person typed together with its
thesaurus alternatives. `Pattern` is a wildcard, expanded against the index with a cap. Each is
a Whoosh query too (an OR of its per-field parts), so highlighting and Whoosh's own matchers,
the fallback for shapes the ranker does not evaluate, still work on them.
"""

from typing import Any, Literal

from whoosh.query import Or, Phrase, Prefix, Term, Wildcard
from whoosh.query.compound import CompoundQuery

# Where a word of the query came from: typed; a synonym of what was typed; the sector's word
# for an everyday one; a word a wildcard stands for; all the words typed, side by side.
Origin = Literal["typed", "synonym", "everyday", "wildcard", "phrase"]
MAX_EXPANSIONS = 16  # words one wildcard stands for at most: its commonest


class Across(CompoundQuery):  # type: ignore[misc]
    """One analysed word (or a phrase of them) in every text field, by field weight."""

    JOINT = " | "

    def __init__(
        self,
        words: tuple[str, ...],
        fields: dict[str, float],
        boost: float = 1.0,
        typed: str = "",
        origin: Origin = "typed",
        phrase: str = "",
    ) -> None:
        self.words = words
        self.fields = fields
        self.typed = typed or " ".join(words)
        self.phrase = phrase or self.typed  # the words as written (a thesaurus phrase's own)
        self.origin = origin
        parts: list[Any] = [
            Term(name, words[0], boost=weight)
            if len(words) == 1
            else Phrase(name, list(words), boost=weight)
            for name, weight in fields.items()
        ]
        super().__init__(parts, boost=boost)

    def __repr__(self) -> str:
        return f"Across({self.words!r}, boost={self.boost})"

    def __unicode__(self) -> str:
        text = " ".join(self.words)
        shown = f'"{text}"' if len(self.words) > 1 else text
        return shown if self.boost == 1.0 else f"{shown}^{self.boost:g}"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is Across
            and other.words == self.words
            and other.fields == self.fields
            and other.boost == self.boost
        )

    def __hash__(self) -> int:
        return hash((self.words, tuple(self.fields), self.boost))

    def normalize(self) -> "Across":
        return self

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        return Or(list(subs), boost=self.boost).matcher(searcher, context)


class Either(CompoundQuery):  # type: ignore[misc]
    """What was typed with its alternatives (the query builder puts them under one
    DisjunctionMax): scored as the sum of its children, like an OR, but kept apart from the
    query's other words so that it counts as one of them."""

    JOINT = " OR "

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        return Or(list(subs), boost=self.boost).matcher(searcher, context)


class Pattern(CompoundQuery):  # type: ignore[misc]
    """A trailing or inner wildcard over every text field; the ranker expands it to at most a
    few of the commonest matching words (`limit`)."""

    JOINT = " | "

    def __init__(
        self, text: str, fields: dict[str, float], boost: float = 1.0, limit: int = MAX_EXPANSIONS
    ) -> None:
        self.text = text
        self.fields = fields
        self.limit = limit
        kind = Prefix if text.endswith("*") and "*" not in text[:-1] and "?" not in text else None
        parts: list[Any] = [
            Prefix(name, text[:-1]) if kind else Wildcard(name, text) for name in fields
        ]
        super().__init__(parts, boost=boost)

    def __repr__(self) -> str:
        return f"Pattern({self.text!r})"

    def __unicode__(self) -> str:
        return self.text

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return type(other) is Pattern and other.text == self.text and other.boost == self.boost

    def __hash__(self) -> int:
        return hash((self.text, self.boost))

    def normalize(self) -> "Pattern":
        return self

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        return Or(list(subs), boost=self.boost).matcher(searcher, context)
