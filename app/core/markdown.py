"""Markdown to HTML that is safe to put in a page: rendered without raw HTML, then sanitised."""

import re
from html import escape, unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.caches import bytes_cache

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
ALLOWED_TAGS = frozenset(_TAGS)  # what rendered case study text may contain


def markdown_to_html(markdown: str) -> str:
    html: str = _MARKDOWN.render(markdown)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# A tag in markdown_to_html's output: nh3 writes each attribute's value in double quotes with
# any '"' (and '<') in it escaped, and escapes every '<' in text, so this finds tags and only
# tags, even where a link's title holds "<table>" as words.
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_CELL = re.compile(r"<t[hd]>(.*?)</t[hd]>", re.DOTALL)  # nh3 leaves a cell no attribute
TABLE_NAME_LENGTH = 80


def scrolling_tables(html: str) -> str:
    """markdown_to_html's output with each table in a region that scrolls sideways, as GOV.UK
    wraps a wide table: focusable, so a keyboard can scroll it, and named by its first row's
    headings. At 320 px a table's cells had to break words in the middle to fit."""
    parts: list[str] = []
    done = 0
    for tag in _TAG.finditer(html):
        if tag.group() == "<table>":
            row_end = html.find("</tr>", tag.end())
            first_row = html[tag.end() : max(row_end, tag.end())]
            cells = (_TAG.sub("", cell) for cell in _CELL.findall(first_row))
            words = ", ".join(" ".join(unescape(cell).split()) for cell in cells)
            if len(words) > TABLE_NAME_LENGTH:
                words = words[: TABLE_NAME_LENGTH - 1].rstrip() + "…"
            name = escape(f"Table: {words}" if words else "Table")
            parts += [
                html[done : tag.start()],
                f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">',
            ]
            done = tag.start()
        elif tag.group() == "</table>":
            parts += [html[done : tag.end()], "</div>"]
            done = tag.end()
    parts.append(html[done:])
    return "".join(parts)


# A body may be 50,000 characters and a council may send many (the duplicate check reads each
# draft's), so the plain-text caches are bounded in bytes, not bodies.
TEXT_CACHE_BYTES = 16 * 2**20


@bytes_cache(TEXT_CACHE_BYTES)
def markdown_to_text(markdown: str) -> str:
    """Return the words of a Markdown text without its markup, for snippets."""
    text = nh3.clean(_MARKDOWN.render(markdown), tags=set())
    return " ".join(unescape(text).split())


# Inline tokens and what each renders as in plain text (an image renders as <img>, which the
# cleaning removes with its alt text). Any other kind takes the rendering path.
_PLAIN = {
    "text": None,
    "code_inline": None,
    "softbreak": "\n",
    "hardbreak": "\n",
    "image": "",
    "link_open": "",
    "link_close": "",
    "em_open": "",
    "em_close": "",
    "strong_open": "",
    "strong_close": "",
}


def _rendered_text(inline: str) -> str:
    """What the words of an inline passage are: rendered to HTML, every tag removed."""
    return unescape(nh3.clean(_MARKDOWN.renderInline(inline), tags=set()))


def _plain_text(token: Token) -> str:
    """The same words as _rendered_text(token.content), from the tokens the parse already
    made: rendering each passage again and cleaning it took 40% of a first-time search's
    snippets. (Tested to agree on the bundled collection and the synthetic corpus.)"""
    parts = []
    for child in token.children or ():
        kind = child.type
        if kind not in _PLAIN:
            return _rendered_text(token.content)
        shown = _PLAIN[kind]
        parts.append(child.content if shown is None else shown)
    return "".join(parts)


def passages_of(markdown: str) -> tuple[str, ...]:
    """Return the plain text of each paragraph, list item and table cell, headings left out:
    what a snippet may quote without running a heading into the sentence after it. Uncached:
    an index build works out every body's once (markdown_passages caches, for searches)."""
    passages: list[str] = []
    in_heading = False
    env: dict[str, object] = {}
    tokens = _MARKDOWN.parse(markdown, env)
    # A reference link resolves only in the whole text; each passage on its own (as rendered
    # before) shows it as written, so a text that defines one keeps that path.
    plain = _plain_text if not env.get("references") else lambda t: _rendered_text(t.content)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline" and not in_heading:
            text = plain(token)
            if text.strip():
                passages.append(" ".join(text.split()))
    return tuple(passages)


markdown_passages = bytes_cache(TEXT_CACHE_BYTES)(passages_of)


def readable_text(markdown: str) -> str:
    """The text as a reader sees it, for comparing two versions: a line for each heading,
    paragraph, list item (with a bullet or its number) and table row, without Markdown's marks
    ("**", "##", "[…](…)"); a link keeps its address after its words, since a changed address
    is a change a moderator must see. Plain text: the page escapes it like any other."""
    lines: list[str] = []
    cells: list[str] | None = None
    bullet = ""
    depth = 0  # inside a list: items are one line each, not paragraphs
    for token in _MARKDOWN.parse(markdown, {}):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if not depth:
                lines.append("")
        elif kind == "list_item_open":
            bullet = f"{token.info}. " if token.info else "• "
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close" and cells is not None:
            lines.append(" | ".join(cells))
            cells = None
        elif kind == "inline":
            words = _inline_words(token)
            if cells is not None:
                cells.append(words)
            else:
                lines.append(("  " * max(depth - 1, 0)) + bullet + words)
                bullet = ""
        elif kind in ("fence", "code_block"):
            lines += [token.content.rstrip("\n"), ""]
        elif kind in ("paragraph_close", "heading_close", "table_close") and not depth:
            lines.append("")  # a blank line after each block, as it reads on the page
    return "\n".join(lines).strip()


def _inline_words(token: Token) -> str:
    parts: list[str] = []
    links: list[tuple[int, str]] = []  # where each open link's words start, and its address
    for child in token.children or ():
        if child.type == "link_open":
            links.append((len(parts), str(child.attrs.get("href", ""))))
        elif child.type == "link_close" and links:
            start, href = links.pop()
            if href and href != "".join(parts[start:]):
                parts.append(f" ({href})")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" " if child.type == "softbreak" else "\n")
        elif child.type == "image":
            parts.append(child.content)  # its alt text
        else:
            parts.append(child.content)
    return "".join(parts)
