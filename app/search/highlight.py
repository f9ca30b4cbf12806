"""Highlighted snippets: matches wrapped in <mark>, every other character HTML-escaped."""

from html import escape
from typing import Any

from whoosh import highlight

from app.search.analysis import make_analyzer

_ANALYZER = make_analyzer()


class MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


def snippet(text: str, terms: frozenset[str], *, whole: bool = False) -> str | None:
    """Return text around the matched terms (or all of it) marked up; None if none matched."""
    if not text or not terms:
        return None
    fragmenter: Any = (
        highlight.WholeFragmenter()
        if whole
        else highlight.ContextFragmenter(maxchars=200, surround=60)
    )
    marked: str = highlight.highlight(
        text, terms, _ANALYZER, fragmenter, MarkFormatter(), top=2, order=highlight.SCORE
    )
    return marked or None
