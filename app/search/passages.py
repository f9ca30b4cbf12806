"""A body's snippet sentences, each with its stems, worked out when it is indexed and kept as a
stored field.

Parsing the Markdown of the ten bodies a page shows was about a third of a search the first
time it was asked, and working out each sentence's words and stems most of what was left of a
first-time result card (docs/benchmarks.md, issue 19). The index is derived from the store and
may lag it, so what is kept carries a digest of the body it was made from, and of the rules
that made it (KEY: the passages' and sentences' rules, the analyser's spellings and stop words,
Whoosh's stemmer): a search uses it only for exactly the body the store holds now, made by the
rules in use now, and works it out otherwise.

Kept as text, not compressed bytes: Whoosh pickles a document's stored fields with protocol 2,
which writes bytes as a Latin-1 string in UTF-8 (every byte over 127 as two), then compresses
them all together; compressed bytes came to 2.7 KB a case study on disk, the text to 2.1 KB.
A line a sentence: the sentence, a tab, its stems joined by spaces (a passage's whitespace is
collapsed to single spaces, and a stem is a word's letters, so neither holds a tab or a newline).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from sys import intern
from typing import Any

import whoosh
from whoosh.analysis import STOP_WORDS

from app.core.markdown import passages_of
from app.core.words import WORD
from app.search.analysis import SPELLINGS
from app.search.highlight import SENTENCE_RULE, Sentences, sentences

FIELD = "passages"
VERSION = "passages 2"  # change when passages_of's rule changes: kept ones then miss
KEY = hashlib.blake2b(
    repr(
        (
            VERSION,
            SENTENCE_RULE,
            WORD.pattern,
            sorted(SPELLINGS.items()),
            sorted(STOP_WORDS),
            whoosh.versionstring(),
        )
    ).encode("utf-8"),
    digest_size=32,
).digest()
_DIGEST = 32  # hexadecimal digits of a 16-byte digest
_SEPARATOR = "\n"


def _digest(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16, key=KEY).hexdigest()


def pack(body: str) -> str:
    """The body's sentences with their stems, after the digest of the body they belong to."""
    return _digest(body) + _SEPARATOR.join(
        f"{sentence}\t{' '.join(held)}" for sentence, held in sentences(passages_of(body))
    )


@dataclass(frozen=True)
class Later:
    """A body whose sentences the writer packs as it indexes the document: in a build of two
    processes, the worker that indexes it, not the one reading the store, which was the build's
    slowest part (the Markdown parse; docs/benchmarks.md, "The build's passages")."""

    body: str


def packed(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its passages packed, if they were left for later."""
    value = document.get(FIELD)
    if isinstance(value, Later):
        return {**document, FIELD: pack(value.body)}
    return document


def unpack(packed: object, body: str) -> Sentences | None:
    """The sentences kept for exactly this body, or None (another body, none kept, kept by
    other rules, or by an earlier release: a rebuild replaces those). Stems are interned, as a
    body's thousand words hold a few hundred distinct ones, shared with every other body's."""
    if not isinstance(packed, str) or packed[:_DIGEST] != _digest(body):
        return None
    text = packed[_DIGEST:]
    if not text:
        return ()
    found = []
    for line in text.split(_SEPARATOR):
        sentence, _, held = line.partition("\t")
        found.append((sentence, tuple(map(intern, held.split(" "))) if held else ()))
    return tuple(found)
