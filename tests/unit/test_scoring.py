"""One idf per word across the text fields: a word rare in titles is not rare."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.search import generations
from app.search.index import Filters, SearchIndex
from app.search.query import QueryBuilder, Tuning
from app.search.scoring import SharedIdf
from tests.unit.test_index import document


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    common = [
        document(slug=f"common-{n}", title=f"Family project {n}", body="Support for families.")
        for n in range(6)
    ]
    opened.rebuild(
        [
            *common,
            document(slug="titled", title="Support hub", body="Support for families."),
            document(
                slug="camhs",
                title="Emotional health",
                body="Joint work with CAMHS and support for families.",
            ),
        ],
        change_id=1,
    )
    yield opened
    opened.close()


def test_a_word_has_one_idf_in_every_text_field(index: SearchIndex) -> None:
    generation = index.generation()
    assert generation is not None
    with generations.open_searcher(generation, index.schema, SharedIdf()) as searcher:
        assert searcher.idf("title", "support") == searcher.idf("body", "support")
        assert searcher.idf("body", "camh") > searcher.idf("body", "support")


def test_a_common_word_in_a_title_does_not_outrank_a_rare_word_typed_beside_it(
    index: SearchIndex,
) -> None:
    # "support", in all eight, would match only beside "CAMHS" (Tuning.common_share): off here,
    # so that "titled" is ranked, not left out.
    query = QueryBuilder(index.schema, tuning=Tuning(common_share=0)).build("CAMHS support")
    hits = index.search(query, Filters(), "relevance", 0, 3)
    assert hits.slugs[0] == "camhs"
    assert hits.total == 8  # a boost, not a filter: every case study that says "support"
    default = QueryBuilder(index.schema).build("CAMHS support")
    assert index.search(default, Filters(), "relevance", 0, 3).slugs == ["camhs"]
