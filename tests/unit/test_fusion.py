"""The hybrid ranking's fusion counted along an order made once per query text gives exactly
the fused scores of ranking the candidates afresh (semantic.fuse), ties and all."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import semantic


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(1, 60),
    seed=st.integers(0, 2**32 - 1),
    levels=st.integers(1, 6),  # few distinct values: many ties, as BM25F scores have
)
def test_fused_along_a_cosine_order_equals_fusing_afresh(size: int, seed: int, levels: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = rng.integers(-2, 3, (size, semantic.DIMENSIONS)).astype(np.float32)
    query = rng.integers(-1, 2, semantic.DIMENSIONS).astype(np.float32)
    scores = rng.integers(0, levels, size).astype(np.float64)
    allowed = rng.random(size) < rng.random()
    by_slug = rng.permutation(size)  # the documents in slug order: any order of their numbers
    expected, _, _ = semantic.fuse(scores, np.flatnonzero(allowed), vectors, query, by_slug)
    by_cosine = semantic.order(vectors, query, by_slug)
    found = semantic.fuse_ordered(scores, allowed, by_cosine, by_slug)
    assert np.array_equal(found, expected)
