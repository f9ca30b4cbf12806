"""Embeddings are made only for an index that uses them: at or under HYBRID_MAX_DOCS case
studies, never above it, whether a build or a change applied to an index that size."""

from app.search import semantic


def documents() -> list[dict[str, str]]:
    return [
        {"slug": f"c{n}", "title": "Family hubs", "summary": "Help for parents", "outcomes": ""}
        for n in range(3)
    ]


def test_embedded_for_an_index_that_uses_them() -> None:
    made = list(semantic.with_vectors(documents(), semantic.HYBRID_MAX_DOCS))
    assert [len(d[semantic.FIELD]) for d in made] == [semantic.DIMENSIONS * 2] * 3


def test_passed_on_as_they_are_above_the_limit() -> None:
    assert list(semantic.with_vectors(documents(), semantic.HYBRID_MAX_DOCS + 1)) == documents()
