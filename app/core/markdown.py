"""Markdown to HTML that is safe to put in a page: rendered without raw HTML, then sanitised."""

from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the Markdown is shown as text, not rendered; nh3 then removes anything unsafe that
# Markdown itself can produce (javascript: links, for one).
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "hr",
}


def markdown_to_html(markdown: str) -> str:
    html: str = _MARKDOWN.render(markdown)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@lru_cache(maxsize=2048)
def markdown_to_text(markdown: str) -> str:
    """Return the words of a Markdown text without its markup, for snippets."""
    text = nh3.clean(_MARKDOWN.render(markdown), tags=set())
    return " ".join(unescape(text).split())
