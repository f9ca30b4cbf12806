"""Highlighted snippets: matches wrapped in <mark>, every other character HTML-escaped.

A body snippet is the sentence that holds the most of the matched words the summary lacks,
quoted from a paragraph (never a heading), cut only between words and, where it is long,
around its matches; a sentence that restates the summary is passed over, as the summary is
shown beside it.

A matched term is a stem, or a phrase of stems joined by spaces ("care leaver"): a phrase is
marked only where its words stand together, as one mark, so a synonym phrase's words ("staying
put") are never marked on their own ("as the title puts it").

Choosing the sentence needs only each sentence's stems (its words found by one regular
expression, each word's stem from analysis.stems' cache); where words stand is worked out only
for the texts marked up: the title, the summary and the chosen sentence. A passage's sentences
are kept with their stems, and each sentence's stems, so a body shown again for other words, or
a sentence found in several bodies, is not worked out twice (docs/benchmarks.md, issue 19).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from html import escape
from itertools import chain, compress
from operator import is_not
from typing import TypeAlias, cast

from cachetools import LRUCache, cached

from app.core.words import WORD
from app.search.analysis import stems

LIMIT = 180  # characters in a body snippet, about two lines of a result
ELLIPSIS = "…"
# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital,
# a digit or an opening quote: "£1.5 million" and "e.g. schools" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9£])")
SENTENCE_RULE = _SENTENCE_END.pattern  # the index keeps sentences split by it (passages.py)
REPEATS = 0.6  # share of a sentence's words found in the summary that makes it a restatement


SENTENCES_CACHE_BYTES = 24 * 2**20
STEMS_CACHE_BYTES = 8 * 2**20
Words: TypeAlias = "tuple[list[int], list[int], tuple[str, ...]]"
Phrases: TypeAlias = "dict[str, list[tuple[tuple[str, ...], str]]]"


_is_word = partial(is_not, None)  # not a stop word (in C, as filter's test)


def _stems(text: str) -> tuple[str, ...]:
    """The stems of a text's indexed words, in order."""
    kept: Iterator[str] = filter(_is_word, stems(WORD.findall(text)))  # type: ignore[arg-type]
    return tuple(kept)


def _words(text: str) -> Words:
    """Where every indexed word of a text starts and ends, and its stem."""
    matches = list(WORD.finditer(text))
    found = list(stems(list(map(re.Match.group, matches))))
    kept = list(map(_is_word, found))
    return (
        list(compress(map(re.Match.start, matches), kept)),
        list(compress(map(re.Match.end, matches), kept)),
        tuple(cast("Iterator[str]", compress(found, kept))),
    )


Sentences: TypeAlias = "tuple[tuple[str, tuple[str, ...]], ...]"


def _sentences_size(sentences: Sentences) -> int:
    # The passage (the key) and its sentences, each with its tuple of stems and the stems
    # themselves should the stem cache have let them go: measured with tracemalloc over the 10k
    # bench's shown passages, 3.3 bytes a character besides the key; charged 5 to 6 here.
    return 128 + sum(4 * len(s) + 96 + 8 * len(held) for s, held in sentences)


@cached(LRUCache(SENTENCES_CACHE_BYTES, getsizeof=_sentences_size), lock=threading.Lock())
def _sentences(passage: str) -> Sentences:
    """A passage's sentences, each with its stems: one look-up per passage when a body is shown
    again for other words."""
    return tuple((s, _sentence_stems(s)) for s in _SENTENCE_END.split(passage) if s.strip())


def sentences(passages: Iterable[str]) -> Sentences:
    """The passages' sentences in order, each with its stems, as passage() reads them: what
    the index keeps beside a body (passages.py), worked out without the caches."""
    return tuple(
        (s, _stems(s)) for text in passages for s in _SENTENCE_END.split(text) if s.strip()
    )


def _stems_size(held: tuple[str, ...]) -> int:
    # The sentence (the key, about two bytes a character: 12 a word) and its tuple of stems.
    return 128 + 24 * len(held)


@cached(LRUCache(STEMS_CACHE_BYTES, getsizeof=_stems_size), lock=threading.Lock())
def _sentence_stems(sentence: str) -> tuple[str, ...]:
    """A sentence's stems, kept: a sentence shown in more than one body (a council's standard
    wording) is worked out once."""
    return _stems(sentence)


@cached(LRUCache(256), lock=threading.Lock())
def _split(terms: frozenset[str]) -> tuple[frozenset[str], Phrases]:
    """The single words of a set of matched terms, and its phrases (as tuples of stems, with the
    term they mark) by their first stem."""
    phrases: Phrases = {}
    for term in terms:
        if " " in term:
            phrase = tuple(term.split())
            phrases.setdefault(phrase[0], []).append((phrase, " ".join(phrase)))
    return frozenset(term for term in terms if " " not in term), phrases


def _hits(text: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
    """Where the terms stand in the text (start, end, term), in order; a phrase's span covers
    its words and whatever stands between them (spaces, stop words). A phrase is compared only
    where its first stem stands."""
    starts, ends, stems = _words(text)
    words, phrases = _split(terms)
    hits = [(starts[i], ends[i], found) for i, found in enumerate(stems) if found in words]
    for first, group in phrases.items():
        i = _find(stems, first, 0)
        while i >= 0:
            for phrase, term in group:
                size = len(phrase)
                if stems[i : i + size] == phrase:
                    hits.append((starts[i], ends[i + size - 1], term))
            i = _find(stems, first, i + 1)
    return sorted(hits, key=lambda hit: (hit[0], -hit[1]))


def _matches(
    stems: tuple[str, ...], words: frozenset[str], phrases: Phrases
) -> tuple[set[str], int]:
    """The terms _hits finds among these stems, and how many hits it finds: what choosing a
    sentence needs, without where they stand."""
    found = set(words.intersection(stems))
    count = sum(map(stems.count, found))
    for first, group in phrases.items():
        i = _find(stems, first, 0)
        while i >= 0:
            for phrase, term in group:
                if stems[i : i + len(phrase)] == phrase:
                    found.add(term)
                    count += 1
            i = _find(stems, first, i + 1)
    return found, count


def _find(stems: tuple[str, ...], stem: str, start: int) -> int:
    """Where a stem next stands from start on (-1 if nowhere): the tuple's own search, in C."""
    try:
        return stems.index(stem, start)
    except ValueError:
        return -1


def _mark(text: str, start: int, end: int, hits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    at = start
    for hit_start, hit_end, _ in hits:
        if hit_start < at or hit_end > end:
            continue
        out.append(escape(text[at:hit_start], quote=False))
        out.append(f"<mark>{escape(text[hit_start:hit_end], quote=False)}</mark>")
        at = hit_end
    out.append(escape(text[at:end], quote=False))
    return "".join(out)


def snippet(text: str, terms: frozenset[str], *, whole: bool = False) -> str | None:
    """Return text marked up: all of it when whole, else the best passage; None if no match."""
    if not text or not terms:
        return None
    if whole:
        hits = _hits(text, terms)
        return _mark(text, 0, len(text), hits) if hits else None
    return passage([text], terms)


def passage(
    passages: Sequence[str],
    terms: frozenset[str],
    *,
    besides: str = "",
    limit: int = LIMIT,
    kept: Sentences = (),
) -> str | None:
    """Return the sentence of the passages that holds the most matched words, marked up and
    cut to about `limit` characters. `kept` are sentences with their stems worked out before
    (sentences()), read ahead of the passages: as if their passages came first.

    `besides` is the text shown with the snippet (the summary): a sentence that restates it is
    passed over for any other that shows as many matched words the summary does not (it may be
    the only one, as a question the case study helps answer often is), and every sentence is
    when the summary already holds each matched word that a sentence could show. None when no
    sentence is left.
    """
    if not terms:
        return None
    words, phrases = _split(terms)
    beside = _stems(besides) if besides else ()
    shown = set(beside)
    # matched terms the reader has not seen yet
    fresh = terms - _matches(beside, words, phrases)[0] if besides else terms
    best: tuple[tuple[int, bool, int, int], str] | None = None
    for sentence, held in chain(kept, chain.from_iterable(map(_sentences, passages))):
        found, count = _matches(held, words, phrases)
        if not found & fresh:
            continue
        # One that restates the summary only when no other shows as many unseen matched words.
        rank = (len(found & fresh), not _repeats(held, shown), len(found), count)
        if best is None or rank > best[0]:
            best = (rank, sentence)
    if best is None:
        return None
    sentence = best[1]
    hits = _hits(sentence, terms)
    start, end = _window(sentence, hits, limit)
    marked = _mark(sentence, start, end, hits).strip()
    return (ELLIPSIS if start > 0 else "") + marked + (ELLIPSIS if end < len(sentence) else "")


def _repeats(stems: tuple[str, ...], shown: set[str]) -> bool:
    return bool(shown) and bool(stems) and sum(s in shown for s in stems) / len(stems) >= REPEATS


def _window(text: str, hits: list[tuple[int, int, str]], limit: int) -> tuple[int, int]:
    """The span of text to show: all of a short sentence; else from its start when the first
    match is near it, or from a few words before the first match; cut only between words."""
    if len(text) <= limit:
        return 0, len(text)
    first = hits[0][0]
    start = 0 if first < limit // 2 else _word_start(text, first - limit // 4)
    if start and len(text) - start < limit:  # near the end: show as much as fits before
        start = _next_word(text, len(text) - limit)
    end = max(_word_end(text, start + limit), hits[0][1])
    while end > start and text[end - 1] in ",;:–-":
        end -= 1
    return start, end


def _word_start(text: str, at: int) -> int:
    """The start of the word at `at`."""
    found = text.rfind(" ", 0, at + 1)
    return found + 1 if found >= 0 else 0


def _next_word(text: str, at: int) -> int:
    """The start of the first word that starts at or after `at`."""
    if at <= 0 or text[at - 1] == " ":
        return max(at, 0)
    found = text.find(" ", at)
    return found + 1 if found >= 0 else at


def _word_end(text: str, at: int) -> int:
    """The end of the last word that ends at or before `at`."""
    if at >= len(text):
        return len(text)
    found = text.rfind(" ", 0, at + 1)
    return found if found > 0 else at
