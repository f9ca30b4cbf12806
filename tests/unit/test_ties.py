"""Equal scores, dates and titles come out in slug order, whatever numbers a build gave the
documents: the same store indexed in another order, or in two segments, or with case studies
amended since (numbered last), shows every page of every sort identically."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.query import Query

from app.core.vocabulary import get_vocabulary
from app.search.index import Filters, SearchIndex, Sort
from app.search.query import QueryBuilder
from app.search.schema import to_document
from testkit.factories import make_case_study

# Slugs whose order is neither the order they are listed in nor its reverse.
KINSHIP = ["kilo", "alpha", "juliet", "bravo", "hotel", "delta", "golf", "echo"]
FOSTERING = ["victor", "charlie", "xray", "mike"]
SORTS: list[Sort] = ["relevance", "newest", "title", "reviewed"]
TEXTS = ["kinship carers", "fostering", "kinship OR fostering", '"kinship carers"~3', ""]
PER_PAGE = 3


def _documents() -> list[dict[str, Any]]:
    found = []
    for n, slug in enumerate(KINSHIP):
        study = make_case_study(
            slug=slug,
            title="Kinship carers support hub",
            summary="A hub that gives kinship carers advice and peer support.",
            published=["2020-01", "2021-06"][n % 2],  # four and four on the same date
        )
        found.append(to_document(study, get_vocabulary(), content_hash=slug))
    for slug in FOSTERING:
        study = make_case_study(
            slug=slug,
            title="Fostering recruitment drive",
            summary="Recruiting foster carers together across a region.",
            themes=["fostering"],
        )  # undated: every date ties
        found.append(to_document(study, get_vocabulary(), content_hash=slug))
    return found


def _in_order(tmp_path: Path) -> SearchIndex:
    index = SearchIndex(tmp_path / "in-order")
    index.rebuild(_documents(), change_id=1)
    return index


def _reversed(tmp_path: Path) -> SearchIndex:
    index = SearchIndex(tmp_path / "reversed")
    index.rebuild(list(reversed(_documents())), change_id=1)
    return index


def _two_segments_and_amended(tmp_path: Path) -> SearchIndex:
    """The second half first, the first half added after it, then three case studies amended
    (re-indexed unchanged, as a replica applies an amendment: numbered last)."""
    documents = _documents()
    index = SearchIndex(tmp_path / "segments")
    index.rebuild(documents[6:], change_id=1)
    index.apply(documents[:6], [], change_id=2)
    index.apply([documents[7], documents[0], documents[10]], [], change_id=3)
    return index


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SearchIndex]]:
    folder = tmp_path_factory.mktemp("ties")
    built = [make(folder) for make in (_in_order, _reversed, _two_segments_and_amended)]
    yield built
    for index in built:
        index.close()


def _numbers(index: SearchIndex) -> list[str]:
    with index._reading() as view:
        return [view.slugs[d] for d in sorted(view.live_docnums.values())]


def _query(index: SearchIndex, text: str) -> Query | None:
    return QueryBuilder(index.schema).build(text) if text else None


def _pages(index: SearchIndex, text: str, sort: Sort) -> list[list[str]]:
    query = _query(index, text)
    total = index.search(query, Filters(), sort, 0, 0, text).total
    return [
        index.search(query, Filters(), sort, offset, PER_PAGE, text).slugs
        for offset in range(0, total, PER_PAGE)
    ]


def test_the_builds_number_the_documents_differently(indexes: list[SearchIndex]) -> None:
    numbered = [_numbers(index) for index in indexes]
    assert len({tuple(order) for order in numbered}) == 3
    assert all(sorted(order) == sorted(KINSHIP + FOSTERING) for order in numbered)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("text", TEXTS)
def test_every_page_is_the_same_whatever_the_numbering(
    indexes: list[SearchIndex], text: str, sort: Sort
) -> None:
    first, *others = [_pages(index, text, sort) for index in indexes]
    assert first and all(pages == first for pages in others)
    shown = [slug for page in first for slug in page]
    assert len(shown) == len(set(shown))  # no case study twice


@pytest.mark.parametrize("text", ["kinship carers", '"kinship carers"~3'])
def test_equal_scores_are_in_slug_order(indexes: list[SearchIndex], text: str) -> None:
    """Every kinship case study scores the same (and means the same), by the ranker and by
    Whoosh's own matchers (a phrase with slop)."""
    for index in indexes:
        shown = [slug for page in _pages(index, text, "relevance") for slug in page]
        assert shown == sorted(KINSHIP)


def test_dates_then_titles_then_slugs(indexes: list[SearchIndex]) -> None:
    newest = [slug for page in _pages(indexes[2], "", "newest") for slug in page]
    later = sorted(s for n, s in enumerate(KINSHIP) if n % 2)
    earlier = sorted(s for n, s in enumerate(KINSHIP) if not n % 2)
    assert newest == later + earlier + sorted(FOSTERING)  # undated last
    by_title = [slug for page in _pages(indexes[2], "", "title") for slug in page]
    assert by_title == sorted(FOSTERING) + sorted(KINSHIP)  # "Fostering …" before "Kinship …"


def test_related_case_studies_are_the_same_whatever_the_numbering(
    indexes: list[SearchIndex],
) -> None:
    """(Scores differ a little where amended documents' old versions still count in Whoosh's
    statistics; the order does not.)"""
    for index in indexes:
        found = index.similar({"title": "Kinship carers"}, {"theme": ["family-support"]}, 5)
        assert [slug for slug, _score in found] == sorted(KINSHIP)[:5]
