"""Clean what people submit before it is stored: no HTML, no unsafe links, in any text field.

Markdown is rendered without raw HTML anyway (app/core/markdown.py); cleaning at the door as well
means no stored text, export or feed ever carries a <script>, an onerror= or a javascript: link.
What is stored is what the moderator sees and what the public gets: cleaning runs until nothing
changes, so no entity is left for a later reader to decode into a tag.
"""

import re
import unicodedata
from html import unescape
from urllib.parse import urlsplit

import nh3

SAFE_SCHEMES = ("http:", "https:", "mailto:")
# Each round of cleaning removes two levels of entities; text still changing after this many
# rounds is built to defeat the cleaner, and is refused rather than cleaned for ever.
MAX_ROUNDS = 16
# [text](url "title") and ![alt](url): the URL part, with or without <angle brackets>.
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.)*)\]"  # [text]
    r"\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?"  # (url, balanced brackets allowed
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"  # "title")
)
# [label]: url   (a reference definition on its own line)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*<?(\S*?)>?(?:[ \t].*)?$", re.MULTILINE)
# What XML 1.0 cannot carry (C0 controls but tab and newlines, lone surrogates, U+FFFE and
# U+FFFF), with what it discourages (DEL, C1 controls, the other noncharacters): none of it is
# text a person meant, and one of them makes an Atom feed unreadable.
_NONCHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0x10000, 0x110000, 0x10000)
)
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + _NONCHARACTERS
    + "]"
)
# Bidirectional embeddings, overrides and isolates: in English and Welsh text they do nothing
# but reverse what follows them (an unclosed U+202E turns the rest of a title or a reviewed
# diff around, "Trojan Source"); the marks U+200E and U+200F, which reorder nothing, stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters a source address may not hold even once its entities are decoded: markup, quotes
# and spaces would let it break out of an attribute or a feed.
_URL_FORBIDDEN = re.compile(r"[\s<>\"'`{}|\\^]")


class Uncleanable(ValueError):
    """Text that does not settle however often it is cleaned: nested entities built to win."""


def xml_safe(text: str) -> str:
    """Drop the characters XML cannot carry (and those it discourages)."""
    return _NOT_XML.sub("", text)


def typed(text: str) -> str:
    """What a person typed, to show back to them: the characters XML cannot carry and the
    bidirectional controls count as spaces, as they do in the search itself (a NUL in a search
    was echoed into its page), and spaces are folded."""
    return " ".join(_NOT_XML.sub(" ", _BIDI_CONTROLS.sub(" ", text)).split())


def decode_entities(text: str) -> str:
    """Decode HTML entities until none is left ("&amp;amp;lt;" -> "<"); raise Uncleanable if
    they are nested deeper than any honest text."""
    for _ in range(2 * MAX_ROUNDS):
        decoded = unescape(text)
        if decoded == text:
            return text
        text = decoded
    raise Uncleanable("the text nests HTML entities too deeply to read; send plain text")


def _strip_html(text: str) -> str:
    """Remove every tag (and script/style content), decoding entities on both sides, until the
    text no longer changes: then it holds no tag and no entity that could become one."""
    for _ in range(MAX_ROUNDS):
        cleaned = xml_safe(unescape(nh3.clean(unescape(text), tags=set())))
        if cleaned == text:
            return text
        text = cleaned
    raise Uncleanable("the text nests HTML entities or tags too deeply to clean; send plain text")


def safe_url(url: str) -> bool:
    compact = re.sub(r"[\s\x00-\x1f]", "", unescape(url)).lower()
    if not compact or compact.startswith(("#", "/", "./", "../")):
        return True
    scheme = re.match(r"^[a-z][a-z0-9+.-]*:", compact)
    return scheme is None or scheme.group() in SAFE_SCHEMES


def web_address_problem(url: str) -> str | None:
    """Say what is wrong with an http(s) address (no markup, spaces or credentials), or None."""
    try:
        decoded = decode_entities(url)
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return "is not a web address"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http(s) address, such as https://www.example.gov.uk/our-work"
    if _URL_FORBIDDEN.search(decoded) or xml_safe(decoded) != decoded:
        return "must be a plain web address: no spaces, quotes, markup or control characters"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password"
    return None


def _unlink(match: re.Match[str]) -> str:
    return match.group() if safe_url(match.group(3)) else match.group(2)


def clean_text(text: str) -> str:
    """Plain text: tags, entities, characters XML cannot carry and bidirectional controls
    removed; nothing at all if nothing that shows is left."""
    cleaned = _strip_html(xml_safe(_BIDI_CONTROLS.sub("", text))).strip()
    return cleaned if shows_something(cleaned) else ""


def shows_something(text: str) -> bool:
    return any(_shows(c) for c in text)


def _shows(character: str) -> bool:
    """Whether a character puts anything on the page: not a space, a control, a format
    character (zero-width space, joiners, soft hyphen, BOM), a combining mark with nothing to
    sit on, or a blank letter (Hangul fillers, the blank Braille pattern). A title of
    "\u200b\u200b" was published as a link with no words."""
    return unicodedata.category(character) not in _UNSEEN and character not in _BLANK_LETTERS


_UNSEEN = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def clean_markdown(text: str) -> str:
    """Markdown: tags removed, links and images with unsafe addresses reduced to their text."""
    text = clean_text(text)
    text = _INLINE_LINK.sub(_unlink, text)
    return _REFERENCE.sub(lambda m: m.group() if safe_url(m.group(1)) else "", text).strip()
