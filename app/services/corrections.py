"""A query's words that no published case study contains, corrected to the likeliest intended
words ("did you mean"), for the search service's plan."""

import re
from typing import Any

from app.search.index import SearchIndex
from app.search.query import clean
from app.search.thesaurus import Thesaurus

# A word worth checking for typos: letters only, not an operator, not next to a wildcard, and
# not right after NOT (correcting a word someone excluded would change what they excluded).
_CHECKABLE = re.compile(r"(?<![\w*?])(?<!NOT )[^\W\d_]{4,}(?![\w*?'\u2019])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def corrected(text: str, thesaurus: Thesaurus, words: Any, index: SearchIndex) -> str | None:
    """Return text with the words no published case study contains corrected, or None. words:
    the word analyser (analysis.make_word_analyzer), which folds a word as the index does."""
    text = clean(text)
    spans: list[tuple[re.Match[str], str]] = []
    for match in _CHECKABLE.finditer(text):
        word = match.group()
        if word in _OPERATORS or thesaurus.knows(word):
            continue
        tokens = [t.text for t in words(word)]
        if len(tokens) == 1:
            spans.append((match, tokens[0]))
    unknown = list(dict.fromkeys(folded for _, folded in spans))
    fixes = index.corrections(unknown, thesaurus.spelled)
    if not fixes:
        return None
    for match, folded in reversed(spans):
        if folded in fixes:
            fix = fixes[folded]
            fix = fix.capitalize() if match.group()[0].isupper() else fix
            text = text[: match.start()] + fix + text[match.end() :]
    return text
