"""The index build's short cuts give what the plain analysis gives: the text fields' postings
(IndexAnalyzer) and the spelling list's words (SpellingWords)."""

import itertools
import pickle

from whoosh.analysis import StemFilter
from whoosh.formats import Positions

from app.config import ROOT
from app.core.collection import read_collection
from app.search.analysis import SpellingWords, make_analyzer, make_word_analyzer, spelling_words
from bench.corpus import case_studies

TRICKY = [
    "Don't STOP the Children's 'organization' in the neighbor's centers, A an the of it",
    "the and of",
    "",
    "Behaviors ORGANIZATIONS programs; mom’s favorite counseling — 3.5 x 10",
]


def _texts() -> list[str]:
    studies, _ = read_collection(ROOT / "data" / "case_studies")
    synthetic = itertools.islice(case_studies(200), 200)
    texts = [t for s in studies for t in (s.title, s.summary, s.body, "\n".join(s.outcomes))]
    return texts + [s.body for s in synthetic] + TRICKY


def test_the_index_analyzer_gives_the_chain_s_postings() -> None:
    chain = make_word_analyzer() | StemFilter(cachesize=50_000)
    # As the build workers get it: unpickled from the index's table of contents.
    indexing = pickle.loads(pickle.dumps(make_analyzer()))
    positions = Positions()
    for text in _texts():
        expected = sorted(positions.word_values(text, chain, mode="index"))
        assert sorted(positions.word_values(text, indexing, mode="index")) == expected, text


def test_other_calls_of_the_index_analyzer_run_the_chain() -> None:
    chain = make_word_analyzer() | StemFilter(cachesize=50_000)
    indexing = make_analyzer()
    for text in TRICKY:
        for kwargs in ({}, {"mode": "query"}, {"positions": True, "chars": True}):
            assert _seen(indexing(text, **kwargs)) == _seen(chain(text, **kwargs))


def _seen(tokens: object) -> list[tuple[object, ...]]:
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None))
        for t in tokens  # type: ignore[attr-defined]
    ]


def test_a_build_s_spelling_words_are_spelling_words() -> None:
    spelt = SpellingWords()
    for text in _texts():
        assert spelt(text) == spelling_words(text), text
