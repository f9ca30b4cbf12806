"""Text analysis: tokenise, fold British and American spellings together, drop stop words, stem."""

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    STOP_WORDS,
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
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


class IndexAnalyzer(CompositeAnalyzer):  # type: ignore[misc]
    """The chain of filters, with a short cut for indexing text (Whoosh's call from a field's
    word_values): each distinct word goes through the filters once, and its outcome (the stem,
    or a stop word) is kept, so a token costs one look-up instead of a generator per filter
    (two thirds of a build worker's analysis). The positions are the chain's: a stop word is
    dropped and the words after it renumbered, as StopFilter does. Every other call (queries,
    highlighting, stem()) runs the chain itself. Only indexed text, that is published text,
    feeds the outcomes kept; there are at most MAX_KEPT of them."""

    MAX_KEPT = 200_000
    _INDEXING = {"mode": "index", "positions": True, "boosts": True}

    def __init__(self, *composables: Any) -> None:
        super().__init__(*composables)
        self._kept: dict[str, str | None] = {}

    def __getstate__(self) -> dict[str, Any]:  # the schema is pickled with each index
        return {"items": self.items}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.items = state["items"]
        self._kept = {}

    def __call__(self, value: Any, **kwargs: Any) -> Iterator[Any]:
        if kwargs != self._INDEXING or not isinstance(value, str):
            return super().__call__(value, **kwargs)  # type: ignore[no-any-return]
        return self._indexed(value)

    def _outcome(self, word: str) -> str | None:
        token = Token(positions=True, removestops=True, mode="index", boosts=True)
        token.text, token.boost, token.stopped, token.pos = word, 1.0, False, 0
        stream: Iterator[Any] = iter((token,))
        for item in self.items[1:]:
            stream = item(stream)
        found = [t.text for t in stream]
        return found[0] if found else None

    def places(self, value: str) -> dict[str, list[int]]:
        """Each stem of a text with its positions, in the order first seen: what _indexed's
        tokens come to, without a token each (the build's Positions format, building.py)."""
        kept = self._kept
        if len(kept) > self.MAX_KEPT:
            kept.clear()
        found: dict[str, list[int]] = {}
        pos = None
        for at, word in enumerate(self.items[0].expression.findall(value)):
            try:
                text = kept[word]
            except KeyError:
                text = kept[word] = self._outcome(word)
            if text is None:
                continue
            pos = at if pos is None else pos + 1
            try:
                found[text].append(pos)
            except KeyError:
                found[text] = [pos]
        return found

    def _indexed(self, value: str) -> Iterator[Any]:
        kept = self._kept
        if len(kept) > self.MAX_KEPT:
            kept.clear()
        token = Token(**self._INDEXING)
        pos = None
        for at, match in enumerate(self.items[0].expression.finditer(value)):
            word = match.group(0)
            try:
                text = kept[word]
            except KeyError:
                text = kept[word] = self._outcome(word)
            if text is None:
                continue
            pos = at if pos is None else pos + 1
            token.text, token.boost, token.stopped, token.pos = text, 1.0, False, pos
            yield token


def make_analyzer(stem_cache: int | None = 50_000) -> Any:
    """Whole words, spellings folded, stemmed. The index's own analyzer keeps Whoosh's cache of
    stems (50,000 words, fed only by published text); an analyzer that sees what clients send
    passes stem_cache=None and relies on stem(), whose cache is bounded in bytes."""
    return IndexAnalyzer(make_word_analyzer(), StemFilter(cachesize=stem_cache))


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


# Read ahead at a start or a rebuild (warm_stems): the words a collection holds most, as many as
# leave the rest of the cache for words first seen in a search's texts.
STEMS_WARMED = STEMS_KEPT // 2


def warm_stems(counts: Mapping[str, int]) -> int:
    """Work out ahead the stems of the commonest words of a spelling list (word: how many case
    studies hold it) and of the stop words, so a search's first snippets find them kept: the
    analyser was about 9 µs a word the process had not seen (docs/benchmarks.md, issue 19).
    The list's words are lower case, as stems() asks for an ASCII word. Returns how many."""
    common = sorted(counts, key=lambda word: (-counts[word], word))
    words = [w for w in (*STOP_WORDS, *common) if len(w) <= STEM_KEPT_CHARS][:STEMS_WARMED]
    for word in reversed(words):  # the commonest asked last: the last to be let go
        _kept_stem(word)
    return len(words)


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
    found = map(spelling_word, set(WORD.findall(text)))
    return {word for word in found if word is not None}


class SpellingWords:
    """spelling_words for the many texts of one index build: each distinct word is analysed
    once per build and kept in a plain dictionary, dropped with the build (published text
    only, so it stays the size of the collection's vocabulary). Through spelling_word's cache,
    bounded in bytes for what clients send, the look-ups were 1.8 ms of a case study's 2.2."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def __call__(self, text: str) -> set[str]:
        known = self._known
        found: set[str] = set()
        for word in set(WORD.findall(text)):
            try:
                spelt = known[word]
            except KeyError:
                spelt = known[word] = spelling_word(word)
            if spelt is not None:
                found.add(spelt)
        return found
