"""Phrase checks over places read ahead give what reading each candidate's positions gives, and
the read-ahead at a build covers the thesaurus's phrases."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.searching import Searcher

from app.config import ROOT
from app.core.collection import read_collection
from app.search import generations, positions, ranking
from app.search.index import SearchIndex
from app.search.postings import Postings, Segment
from app.search.schema import TEXT_FIELDS, build_schema
from app.search.scoring import SharedIdf
from app.search.thesaurus import get_thesaurus
from tests.unit.test_index import document


@dataclass
class Both:
    searcher: Searcher
    cold: Postings  # nothing read ahead: each phrase reads its candidates' positions
    warm: Postings  # every word's places read ahead
    segments: list[Segment]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The bundled collection in two segments, some documents deleted (masked, not gone)."""
    files, problems = read_collection(ROOT / "data" / "case_studies")
    assert not problems
    built = SearchIndex(tmp_path_factory.mktemp("positions") / "index")
    built.rebuild((document(**study.model_dump()) for study in files[:-12]), change_id=1)
    built.apply(
        [document(**study.model_dump()) for study in files[-12:]],
        removed=[study.slug for study in files[:5]],
        change_id=2,
    )
    yield built
    built.close()


@pytest.fixture(scope="module")
def both(index: SearchIndex) -> Iterator[Both]:
    folder = index.generation()
    assert folder is not None
    with generations.open_searcher(folder, index.schema, SharedIdf()) as searcher:
        cold, warm = Postings(), Postings()
        segments = ranking.Ranker(searcher, cold).segments
        read = warm.warm_places(segments, TEXT_FIELDS, budget=10**9, least=0)
        assert read > 20_000  # every word in two documents or more (the rest read per phrase)
        yield Both(searcher, cold, warm, segments)


def matches(
    postings: Postings, segment: Segment, field: str, words: tuple[bytes, ...]
) -> tuple[list[int], list[float]] | None:
    with segment.lock:
        if not all((field, word) in segment.reader for word in words):
            return None
    lists = [postings.term(segment, field, word)[0] for word in words]
    candidates = lists[0]
    for more in lists[1:]:
        candidates = np.intersect1d(candidates, more, assume_unique=True)
    if not len(candidates):
        return None
    ids, counts = postings.phrase(segment, field, words, candidates)
    return ids.tolist(), counts.tolist()


@cache
def runs() -> list[list[str]]:
    """Runs of indexed words as they stand in the bundled bodies: phrases that match."""
    files, _ = read_collection(ROOT / "data" / "case_studies")
    analyzer = build_schema()["body"].analyzer
    found = []
    for study in files[::3]:
        for sentence in re.split(r"[.,;:\n]", study.body):
            stems = [token.text for token in analyzer(sentence)]
            if len(stems) >= 2:
                found.append(stems)
    return found


@st.composite
def phrases(draw: st.DrawFn) -> tuple[str, ...]:
    """A run of two to four words from a body, or words from anywhere side by side."""
    if draw(st.booleans()):
        run = draw(st.sampled_from(runs()))
        start = draw(st.integers(0, len(run) - 2))
        size = draw(st.integers(2, min(4, len(run) - start)))
        return tuple(run[start : start + size])
    every = sorted({word for run in runs() for word in run})
    return tuple(draw(st.lists(st.sampled_from(every), min_size=2, max_size=3)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=phrases(), field=st.sampled_from(["body", "summary", "title", "outcomes"]))
def test_phrases_over_places_read_ahead_match_those_read_per_candidate(
    both: Both, words: tuple[str, ...], field: str
) -> None:
    encoded = tuple(word.encode() for word in words)
    for segment in both.segments:
        assert matches(both.warm, segment, field, encoded) == matches(
            both.cold, segment, field, encoded
        )


def test_the_phrases_of_a_run_found_in_text_are_found(both: Both) -> None:
    """Not vacuous: the runs drawn above are found, as many times as they stand."""
    found = 0
    for run in runs()[:200]:
        words = tuple(word.encode() for word in run[:2])
        for segment in both.segments:
            warm = matches(both.warm, segment, "body", words)
            found += bool(warm and warm[0])
    assert found >= 150


def test_a_build_reads_ahead_where_the_thesaurus_s_phrases_stand(index: SearchIndex) -> None:
    """After a build (and so at a start), a search for any of the thesaurus's phrases of more
    than one word reads no positions: each field and segment holding its words has its
    matches already."""
    index.warm()
    phrases = get_thesaurus().phrases()
    assert len(phrases) > 100
    folder = index.generation()
    assert folder is not None
    checked = 0
    with generations.open_searcher(folder, index.schema, SharedIdf()) as searcher:
        segments = ranking.Ranker(searcher, Postings()).segments
        for words in phrases:
            encoded = tuple(word.encode() for word in words)
            for segment in segments:
                for field in TEXT_FIELDS:
                    with segment.lock:
                        holds = all((field, word) in segment.reader for word in encoded)
                    if not holds:
                        continue
                    lists = [index.postings.term(segment, field, w)[0] for w in encoded]
                    common = lists[0]
                    for more in lists[1:]:
                        common = np.intersect1d(common, more)
                    if len(common):
                        assert index.postings.holds_phrase(segment, field, encoded), words
                        checked += 1
    assert checked > 100


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), field=st.sampled_from(["body", "summary", "title", "outcomes"]))
def test_places_read_for_some_documents_are_whoosh_s_own_positions(
    both: Both, data: st.DataObject, field: str
) -> None:
    """read_places decodes a block's wanted values together; each document's positions are
    what Whoosh's own decoder gives, in any subset of a word's documents."""
    word = data.draw(st.sampled_from(sorted({w for run in runs() for w in run})))
    encoded = word.encode()
    for segment in both.segments:
        with segment.lock:
            if (field, encoded) not in segment.reader:
                continue
            ids = both.cold.term(segment, field, encoded)[0]
            wanted = np.array(
                sorted(data.draw(st.sets(st.sampled_from(ids.tolist()), max_size=len(ids)))),
                dtype=np.int32,
            )
            places = positions.read_places(
                positions.postings(segment.reader, field, encoded), ids, wanted
            )
            matcher = positions.postings(segment.reader, field, encoded)
            expected = []
            while matcher.is_active():
                if matcher.id() in set(wanted.tolist()):
                    expected += [
                        matcher.id() << positions.SHIFT | p for p in matcher.value_as("positions")
                    ]
                matcher.next()
        assert places.tolist() == expected


# A few documents' positions, so that two draws share some.
places = st.sets(st.tuples(st.integers(0, 40), st.integers(0, 8)), max_size=60).map(
    lambda found: np.array(sorted(d << positions.SHIFT | p for d, p in found), dtype=np.int64)
)


@settings(max_examples=300, deadline=None)
@given(one=places, other=places, wanted=st.sets(st.integers(0, 45), max_size=40))
def test_the_sorted_steps_give_what_numpy_s_sorting_ones_give(
    one: positions.Places, other: positions.Places, wanted: set[int]
) -> None:
    """A phrase check's steps over ascending places (searches and neighbour comparisons) give
    what np.isin, np.intersect1d and np.unique give, dtypes included."""
    numbers = np.array(sorted(wanted), dtype=np.int32)
    expected = one[np.isin(one >> positions.SHIFT, numbers)]
    found = positions.within(one, numbers)
    assert found.tolist() == expected.tolist() and found.dtype == expected.dtype
    both = positions.common(one, other)
    expected = np.intersect1d(one, other, assume_unique=True)
    assert both.tolist() == expected.tolist() and both.dtype == expected.dtype
    for values in (one >> positions.SHIFT, one):
        distinct, counts = positions.runs(values)
        expected, expected_counts = np.unique(values, return_counts=True)
        assert distinct.tolist() == expected.tolist() and distinct.dtype == expected.dtype
        assert counts.tolist() == expected_counts.tolist()


def test_each_segment_reads_its_own_share_of_the_commonest_words(both: Both) -> None:
    """A build in two processes makes two segments: the second's commonest words are read
    ahead as the first's are, even when the first's fill their share of the budget (at 50k the
    first read 9.5 million postings and the second 0.5 million, so half the collection's
    common words were read at the first search for them)."""
    first, second = both.segments[:2]
    alone = Postings().warm([first], TEXT_FIELDS, budget=10**9)
    postings = Postings()
    postings.warm([first, second], TEXT_FIELDS, budget=alone)  # the first's share: half
    with second.lock:
        frequency, word = max(
            (info.doc_frequency(), text) for text, info in second.reader.iter_field("body")
        )
    assert frequency >= 2
    assert postings.holds(second, "body", word)
