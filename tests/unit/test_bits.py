"""Document sets as Python ints: what goes in comes out, in order, at any size."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.search import bits


@given(st.sets(st.integers(min_value=0, max_value=200_000), max_size=300))
def test_the_numbers_put_in_come_out_in_ascending_order(numbers: set[int]) -> None:
    assert bits.to_ids(bits.from_ids(numbers)) == sorted(numbers)


@given(st.lists(st.booleans(), max_size=2_000))
def test_a_mask_and_its_set_hold_the_same_documents(flags: list[bool]) -> None:
    mask = np.array(flags, dtype=np.bool_)
    found = bits.to_bits(mask)
    assert bits.to_ids(found) == np.flatnonzero(mask).tolist()
    assert bits.to_mask(found, len(flags)).tolist() == flags


def test_every_document_of_a_large_collection_is_listed() -> None:
    assert bits.to_ids((1 << 100_000) - 1) == list(range(100_000))
    assert bits.to_ids(0) == []
