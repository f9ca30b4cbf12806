"""Heap: a large index's view is frozen out of full collections once per new view, and what
the last view left in cycles is freed at the next."""

import gc
import shutil
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.vocabulary import get_vocabulary
from app.search.index import SearchIndex
from app.search.schema import to_document
from app.services.heap import Heap
from testkit.factories import sample_collection


class Node:
    """An object in a cycle: freed only by the collector, never by reference counts."""

    def __init__(self) -> None:
        self.me = self


def documents() -> list[dict[str, Any]]:
    return [to_document(s, get_vocabulary(), f"hash-{s.slug}") for s in sample_collection()]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    opened.rebuild(documents(), change_id=1)
    yield opened
    opened.close()


@pytest.fixture
def heap() -> Iterator[Heap]:
    kept = Heap(min_docs=1)
    yield kept
    kept.release()


def test_a_new_view_is_frozen_once(index: SearchIndex, heap: Heap) -> None:
    assert heap.settle(index) and gc.get_freeze_count() > 0
    assert not heap.settle(index)  # the same view: nothing to do
    index.rebuild(documents(), change_id=2)
    assert heap.settle(index)  # a new view


def test_cycles_frozen_with_one_view_are_freed_with_the_next(
    index: SearchIndex, heap: Heap
) -> None:
    cycle = Node()
    alive = weakref.ref(cycle)
    heap.settle(index)
    del cycle
    gc.collect()
    assert alive() is not None  # frozen: out of the collector's reach
    index.rebuild(documents(), change_id=2)
    heap.settle(index)
    assert alive() is None


def test_a_small_index_is_left_to_the_collector(index: SearchIndex) -> None:
    small = Heap(min_docs=index.doc_count() + 1)
    assert not small.settle(index)
    assert gc.get_freeze_count() == 0


def test_release_hands_everything_back(index: SearchIndex, heap: Heap) -> None:
    heap.settle(index)
    heap.release()
    assert gc.get_freeze_count() == 0
    assert heap.settle(index)  # frozen again when asked


def test_an_index_gone_from_disk_has_nothing_to_freeze(
    tmp_path: Path, index: SearchIndex, heap: Heap
) -> None:
    index.close()
    shutil.rmtree(tmp_path / "index")
    assert not heap.settle(index)
    assert gc.get_freeze_count() == 0
