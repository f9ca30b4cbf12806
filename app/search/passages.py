"""A body's snippet passages worked out when it is indexed, kept as a stored field.

Parsing the Markdown of the ten bodies a page shows was about a third of a search the first
time it was asked (docs/benchmarks.md). The index is derived from the store and may lag it, so
what is kept carries a digest of the body it was made from (and of VERSION, the rule that made
it): a search uses it only for exactly the body the store holds now, and parses otherwise.
"""

import hashlib
import zlib

from app.core.markdown import markdown_passages

FIELD = "passages"
VERSION = b"passages 1"  # change when markdown_passages's rule changes: kept ones then miss
_DIGEST = 16
_SEPARATOR = "\n"  # a passage's whitespace is collapsed to single spaces: it holds no newline


def _digest(body: str) -> bytes:
    return hashlib.blake2b(body.encode("utf-8"), digest_size=_DIGEST, key=VERSION).digest()


def pack(body: str) -> bytes:
    """The body's passages, compressed, after the digest of the body they belong to."""
    text = _SEPARATOR.join(markdown_passages(body))
    return _digest(body) + zlib.compress(text.encode("utf-8"), 1)


def unpack(packed: object, body: str) -> tuple[str, ...] | None:
    """The passages kept for exactly this body, or None (another body, or none kept)."""
    if not isinstance(packed, bytes) or packed[:_DIGEST] != _digest(body):
        return None
    text = zlib.decompress(packed[_DIGEST:]).decode("utf-8")
    return tuple(text.split(_SEPARATOR)) if text else ()
