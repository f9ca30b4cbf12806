"""Text analysis: tokenise, fold British and American spellings together, drop stop words, stem."""

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)

from app.core.caches import bytes_cache
from app.core.words import WORD

# British spellings are the house style; American ones are folded onto them so that either finds
# both. Stemming alone does not: "organisation" and "organization" stem differently.
SPELLINGS = {
    "program": "programme",
    "programs": "programmes",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "center": "centre",
    "centers": "centres",
    "organization": "organisation",
    "organizations": "organisations",
    "organize": "organise",
    "organized": "organised",
    "prioritize": "prioritise",
    "prioritized": "prioritised",
    "specialized": "specialised",
    "recognize": "recognise",
    "recognized": "recognised",
    "utilize": "utilise",
    "color": "colour",
    "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhoods",
    "neighbor": "neighbour",
    "labor": "labour",
    "defense": "defence",
    "license": "licence",
    "practise": "practice",  # the noun form serves both
    "pediatric": "paediatric",
    "favor": "favour",
    "favorite": "favourite",
    "judgment": "judgement",
    "modeling": "modelling",
    "counseling": "counselling",
    "counselor": "counsellor",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "traveling": "travelling",
    "mom": "mum",
    "moms": "mums",
}


class SpellingFilter(Filter):  # type: ignore[misc]
    """Replace American spellings with the British ones before stemming."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = SPELLINGS.get(token.text, token.text)
            yield token


def make_word_analyzer() -> Any:
    """Whole words, spellings folded: what spelling suggestions are drawn from."""
    return RegexTokenizer(WORD) | LowercaseFilter() | SpellingFilter() | StopFilter(minsize=1)


def make_analyzer(stem_cache: int | None = 50_000) -> Any:
    """Whole words, spellings folded, stemmed. The index's own analyzer keeps Whoosh's cache of
    stems (50,000 words, fed only by published text); an analyzer that sees what clients send
    passes stem_cache=None and relies on stem(), whose cache is bounded in bytes."""
    return make_word_analyzer() | StemFilter(cachesize=stem_cache)


_WORD_ANALYZER = make_word_analyzer()
_ANALYZER = make_analyzer(stem_cache=None)

# Bounded in bytes (app/core/caches.py): a client may send any number of made-up words. About
# 600 bytes a word, so it holds some 14,000 words, more than the collection's vocabulary.
WORD_CACHE_BYTES = 8 * 2**20


def _alone(analyzer: Any, word: str) -> str | None:
    # Every filter works word by word, so a word analysed alone comes out as it does in its
    # text, and each distinct word need only be analysed once.
    tokens = [token.text for token in analyzer(word)]
    return tokens[0] if len(tokens) == 1 else None


@bytes_cache(WORD_CACHE_BYTES)
def spelling_word(word: str) -> str | None:
    """One word as the spelling dictionary holds it (None for a stop word)."""
    return _alone(_WORD_ANALYZER, word)


# Stems are kept in functools' LRU (in C, thread-safe): a result card's snippets look up every
# word of the texts they mark, and a byte-bounded cache's lock and bookkeeping in Python cost six
# times the look-up (docs/benchmarks.md, issue 19). It is bounded in entries, so in bytes only
# for words of at most STEM_KEPT_CHARS: each entry is then at most STEM_ENTRY_BYTES (the word at
# four bytes a letter, its stem, the cache's link and its slot; tests/unit/test_caches.py holds
# it), and STEMS_KEPT of them are within STEM_CACHE_BYTES. A longer word is analysed each time.
STEM_KEPT_CHARS = 24
STEM_ENTRY_BYTES = 520
STEM_CACHE_BYTES = 16 * 2**20
STEMS_KEPT = STEM_CACHE_BYTES // STEM_ENTRY_BYTES


@lru_cache(maxsize=STEMS_KEPT)
def _kept_stem(word: str) -> str | None:
    return _alone(_ANALYZER, word)


def stem(word: str) -> str | None:
    """One word as the text fields index it (None for a stop word)."""
    return _kept_stem(word) if len(word) <= STEM_KEPT_CHARS else _alone(_ANALYZER, word)


def stems(words: Sequence[str]) -> Iterator[str | None]:
    """Each word's stem, as stem() gives it: a text's words in one call, so the cache is asked
    from C for each word rather than from a loop in Python. An ASCII word is analysed as its
    lower case is (the analyser lower-cases first), so "Fostering" and "fostering" share one
    entry."""
    if max(map(len, words), default=0) > STEM_KEPT_CHARS:
        return map(stem, words)
    if all(map(str.isascii, words)):
        return map(_kept_stem, map(str.lower, words))
    return map(_kept_stem, words)


def spelling_words(text: str) -> set[str]:
    """The distinct words of a text as the spelling dictionary holds them."""
    return {found for found in map(spelling_word, WORD.findall(text)) if found is not None}
