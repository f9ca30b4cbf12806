"""Clean what people submit before it is stored: no HTML, no unsafe links, in any text field.

Markdown is rendered without raw HTML anyway (app/rendering.py); cleaning at the door as well
means no stored text, export or feed ever carries a <script>, an onerror= or a javascript: link.
"""

import re
from html import unescape

import nh3

SAFE_SCHEMES = ("http:", "https:", "mailto:")
# [text](url "title") and ![alt](url): the URL part, with or without <angle brackets>.
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.)*)\]"  # [text]
    r"\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?"  # (url, balanced brackets allowed
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"  # "title")
)
# [label]: url   (a reference definition on its own line)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*<?(\S*?)>?(?:[ \t].*)?$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip_html(text: str) -> str:
    """Remove every tag (and script/style content); repeat until nothing changes, so that
    escaped markup like "&lt;script&gt;" cannot come back as a tag."""
    for _ in range(5):
        cleaned = unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return text


def safe_url(url: str) -> bool:
    compact = re.sub(r"[\s\x00-\x1f]", "", unescape(url)).lower()
    if not compact or compact.startswith(("#", "/", "./", "../")):
        return True
    scheme = re.match(r"^[a-z][a-z0-9+.-]*:", compact)
    return scheme is None or scheme.group() in SAFE_SCHEMES


def _unlink(match: re.Match[str]) -> str:
    return match.group() if safe_url(match.group(3)) else match.group(2)


def clean_text(text: str) -> str:
    """Plain text: tags and control characters removed."""
    return _CONTROL.sub("", _strip_html(text)).strip()


def clean_markdown(text: str) -> str:
    """Markdown: tags removed, links and images with unsafe addresses reduced to their text."""
    text = clean_text(text)
    text = _INLINE_LINK.sub(_unlink, text)
    return _REFERENCE.sub(lambda m: m.group() if safe_url(m.group(1)) else "", text).strip()
