"""A body's snippet passages worked out when it is indexed, kept as a stored field.

Parsing the Markdown of the ten bodies a page shows was about a third of a search the first
time it was asked (docs/benchmarks.md). The index is derived from the store and may lag it, so
what is kept carries a digest of the body it was made from (and of VERSION, the rule that made
it): a search uses it only for exactly the body the store holds now, and parses otherwise.

Kept as text, not compressed bytes: Whoosh pickles a document's stored fields with protocol 2,
which writes bytes as a Latin-1 string in UTF-8 (every byte over 127 as two), then compresses
them all together; compressed bytes came to 2.7 KB a case study on disk, the text to 2.1 KB.
"""

import hashlib

from app.core.markdown import passages_of

FIELD = "passages"
VERSION = b"passages 1"  # change when passages_of's rule changes: kept ones then miss
_DIGEST = 32  # hexadecimal digits of a 16-byte digest
_SEPARATOR = "\n"  # a passage's whitespace is collapsed to single spaces: it holds no newline


def _digest(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16, key=VERSION).hexdigest()


def pack(body: str) -> str:
    """The body's passages, after the digest of the body they belong to."""
    return _digest(body) + _SEPARATOR.join(passages_of(body))


def unpack(packed: object, body: str) -> tuple[str, ...] | None:
    """The passages kept for exactly this body, or None (another body, none kept, or kept by
    an earlier release as compressed bytes: a rebuild replaces those)."""
    if not isinstance(packed, str) or packed[:_DIGEST] != _digest(body):
        return None
    text = packed[_DIGEST:]
    return tuple(text.split(_SEPARATOR)) if text else ()
