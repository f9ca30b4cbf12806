"""A submission's text with the safeguarding check's passages marked where they are, so a
moderator sees each finding in place rather than in a list beside the text.

The check reports each passage as a sentence with its spaces normalised (and cut at 240
characters); it is found again in the field's text by its words, whatever the spacing between
them. Marks go in as private-use characters before the Markdown is rendered and become `<mark>`
after, and the result is sanitised again, which also mends any nesting a mark and a Markdown
emphasis left crossed.
"""

import re
from collections.abc import Iterable
from html import escape

import nh3

from app.core.markdown import ALLOWED_TAGS, markdown_to_html
from app.core.safeguarding import LIST_MARKER

_OPEN, _CLOSE = "\ue000", "\ue001"


def _pattern(passage: str) -> re.Pattern[str] | None:
    passage = passage.removesuffix("…")
    # A passage stored before the check left list markers out: its item's words, still
    bullet = LIST_MARKER.match(passage)
    words = passage[bullet.end() if bullet else 0 :].split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def with_marks(text: str, passages: Iterable[str]) -> tuple[str, int]:
    """The text with each passage found enclosed in the mark characters; how many were found."""
    spans: list[tuple[int, int]] = []
    for passage in passages:
        pattern = _pattern(passage)
        found = pattern.search(text) if pattern else None
        if found and not any(s < found.end() and found.start() < e for s, e in spans):
            spans.append(found.span())
    for start, end in sorted(spans, reverse=True):
        text = f"{text[:start]}{_OPEN}{text[start:end]}{_CLOSE}{text[end:]}"
    return text, len(spans)


def _marks_to_html(html: str) -> str:
    html = html.replace(_OPEN, '<mark class="finding">').replace(_CLOSE, "</mark>")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS | {"mark"}),
        attributes={"a": {"href", "title"}, "mark": {"class"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def marked_markdown(markdown: str, passages: Iterable[str]) -> str:
    """Markdown rendered as the case study page renders it, with the passages marked."""
    text, _ = with_marks(markdown.replace(_OPEN, "").replace(_CLOSE, ""), passages)
    return _marks_to_html(markdown_to_html(text))


def marked_text(text: str, passages: Iterable[str]) -> str:
    """Plain text as HTML (escaped), with the passages marked."""
    marked, _ = with_marks(text.replace(_OPEN, "").replace(_CLOSE, ""), passages)
    return _marks_to_html(escape(marked))
