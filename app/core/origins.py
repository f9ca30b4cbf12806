"""Websites allowed to embed the service: what an origin is, and how one is written down.

An origin is what a browser sends in its `Origin` header: scheme, host and port, nothing else
(`https://campaign.example.org`). Origins are compared as exact strings, so every origin is
kept in the one form a browser sends: lower case, no default port, an international name in
its ASCII (punycode) form, no trailing slash.
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from app.core.errors import Invalid

MAX_ORIGIN_CHARS = 300
DEFAULT_PORTS = {"http": 80, "https": 443}
EXAMPLE = "https://campaign.example.org"
HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


@dataclass(frozen=True)
class AllowedOrigin:
    """One website on the list, and who put it there."""

    id: int
    origin: str
    note: str | None
    added_by: str
    added_at: datetime


def _invalid(text: str, why: str, pointer: str) -> Invalid:
    shown = text if len(text) <= 80 else text[:80] + "…"
    detail = f"{shown!r} cannot be added: {why}. Write the website's address alone, like {EXAMPLE}."
    return Invalid(detail, [{"detail": detail, "pointer": pointer}])


def parse_origin(text: str, pointer: str = "#/body/origin") -> str:
    """Return the origin in the form browsers send; raise Invalid saying what to fix."""
    raw = text.strip()
    if not raw:
        raise _invalid(text, "it is empty", pointer)
    if len(raw) > MAX_ORIGIN_CHARS:
        raise _invalid(text, f"it is longer than {MAX_ORIGIN_CHARS} characters", pointer)
    try:
        parts = urlsplit(raw.removesuffix("/"))
        port = parts.port
    except ValueError as error:
        why = "its port must be a number from 1 to 65535" if "Port" in str(error) else str(error)
        raise _invalid(text, why, pointer) from error
    if port == 0:
        raise _invalid(text, "its port must be a number from 1 to 65535", pointer)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _invalid(text, "it must start with https:// (or http://)", pointer)
    if parts.username is not None or parts.password is not None:
        raise _invalid(text, "it must not contain a user name or password", pointer)
    host = _host(parts.hostname or "")
    if host is None:
        raise _invalid(text, "it needs one host name, without wildcards or spaces", pointer)
    if parts.path or parts.query or parts.fragment:
        raise _invalid(text, "it must be the site's address alone, without a path", pointer)
    shown_port = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{shown_port}"


def _host(name: str) -> str | None:
    """The host as a browser writes it in an origin, or None if it is not one."""
    if ":" in name:  # an IPv6 address, which an origin writes in brackets
        try:
            return f"[{ipaddress.IPv6Address(name).compressed}]"
        except ValueError:
            return None
    try:
        ascii_name = name if name.isascii() else name.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_name if HOST_NAME.fullmatch(ascii_name) else None
