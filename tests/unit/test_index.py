"""SearchIndex on a real Whoosh index in tmp_path: rebuild, swap, apply, facets."""

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.index import open_dir

from app.core.vocabulary import get_vocabulary
from app.search import spelling
from app.search.index import Filters, SearchIndex
from app.search.query import QueryBuilder
from app.search.schema import to_document
from testkit.factories import make_case_study, sample_collection


def document(**overrides: Any) -> dict[str, Any]:
    study = make_case_study(**overrides)
    return to_document(study, get_vocabulary(), content_hash=f"hash-of-{study.slug}")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    yield opened
    opened.close()


def documents() -> list[dict[str, Any]]:
    return [document(**s.model_dump()) for s in sample_collection()]


def test_rebuild_switches_generations_atomically(tmp_path: Path, index: SearchIndex) -> None:
    assert not index.exists()
    index.rebuild(documents(), change_id=7)
    current = tmp_path / "index" / "CURRENT"
    first = current.read_text()
    assert index.exists() and index.doc_count() == 6 and index.applied_change_id() == 7
    index.rebuild(documents()[:2], change_id=9)
    second = current.read_text()
    assert second != first and index.doc_count() == 2 and index.applied_change_id() == 9
    index.rebuild(documents()[:3], change_id=10)
    # The current and the previous generation stay; older ones go.
    generations = sorted(p.name for p in (tmp_path / "index").glob("gen-*"))
    assert generations == sorted([second, current.read_text()])
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == ["CURRENT", *generations]


def test_a_failed_rebuild_leaves_the_old_index_serving(tmp_path: Path, index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)

    def broken() -> Any:
        yield documents()[0]
        raise RuntimeError("store went away")

    try:
        index.rebuild(broken(), change_id=2)
    except RuntimeError:
        pass
    assert index.doc_count() == 6 and index.applied_change_id() == 1
    assert len(list((tmp_path / "index").glob("gen-*"))) == 1


def test_apply_upserts_and_deletes(tmp_path: Path, index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)
    index.apply(
        [document(slug="new-one", title="Brand new fostering work")], ["south-fostering"], 5
    )
    assert index.applied_change_id() == 5
    assert "new-one" in index.slugs() and "south-fostering" not in index.slugs()
    query = QueryBuilder(index.schema).build("fostering")
    hits = index.search(query, Filters(), "relevance", 0, 10)
    assert hits.slugs == ["new-one"]


def test_two_indexes_each_find_their_own_under_one_segment_id(tmp_path: Path) -> None:
    """A process's indexes share what was read from their segments (copies of one index read
    it once), and Whoosh draws segment ids from `random`, which a test may seed: two indexes
    built after one seed hold a segment of one id, and each still finds its own case studies,
    ranked by its own statistics."""
    first, second = SearchIndex(tmp_path / "first"), SearchIndex(tmp_path / "second")
    try:
        random.seed(14)
        first.rebuild(
            [
                document(slug="first-plain", title="Family help at home"),
                document(slug="first-quokka", title="Quokka groups for parents"),
            ],
            change_id=1,
        )
        random.seed(14)
        second.rebuild(
            [
                document(slug="second-quokka", title="Quokka quokka circles for carers"),
                document(slug="second-plain", title="Family help at school"),
                document(slug="second-more", title="A quokka walk"),
            ],
            change_id=1,
        )
        folders = [index.generation() for index in (first, second)]
        assert folders[0] and folders[1]
        segment_files = [{p.name for p in folder.glob("*.seg")} for folder in folders]
        assert segment_files[0] == segment_files[1]  # one segment id: what this test is about
        query = QueryBuilder(first.schema).build("quokka")
        assert first.search(query, Filters(), "relevance", 0, 10).slugs == ["first-quokka"]
        found = second.search(query, Filters(), "relevance", 0, 10).slugs
        assert found == ["second-quokka", "second-more"]
    finally:
        first.close()
        second.close()


def test_facets_count_matches_before_their_own_filter(tmp_path: Path, index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)
    hits = index.search(None, Filters(values={"region": ["north-east"]}), "newest", 0, 10)
    assert hits.total == 2
    assert hits.facets["region"] == {
        "north-east": 2,
        "south-west": 1,
        "east-of-england": 1,
        "west-midlands": 1,
        "london": 1,
    }
    assert hits.facets["evidence"] == {"measured": 2}


def test_an_empty_filter_matches_nothing_rather_than_everything(
    tmp_path: Path, index: SearchIndex
) -> None:
    index.rebuild(documents(), change_id=1)
    query = QueryBuilder(index.schema).build("fostering")
    hits = index.search(query, Filters(values={"theme": ["neglect"]}), "relevance", 0, 10)
    assert (hits.total, hits.slugs) == (0, [])


def test_a_large_rebuild_runs_in_two_processes_and_loses_nothing(
    tmp_path: Path, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.search.generations.PARALLEL_FROM", 1)
    many = [document(slug=f"study-{n}", title=f"Family help number {n}") for n in range(250)]
    assert index.rebuild(many, change_id=3, expected=len(many)) == 250
    generation = index.generation()
    assert generation is not None
    with open_dir(str(generation)).reader() as reader:
        assert len(reader.leaf_readers()) >= 2  # segments written by the worker processes
    assert index.slugs() == {f"study-{n}" for n in range(250)}
    query = QueryBuilder(index.schema).build("family help")
    assert index.search(query, Filters(), "relevance", 0, 10).total == 250


def test_spelling_suggestions_follow_what_is_published(tmp_path: Path, index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)
    assert index.corrections({"xylophonistt"}) == {}
    index.apply([document(slug="music", title="A xylophonist visits the nursery")], [], 2)
    assert index.corrections({"xylophonistt"}) == {"xylophonistt": "xylophonist"}
    index.apply([], ["music"], 3)
    # The list keeps the word until the next rebuild, but no published case study holds it.
    generation = index.generation()
    assert generation is not None and "xylophonist" in spelling.read(generation).counts
    assert index.corrections({"xylophonistt"}) == {}
    index.rebuild(documents(), change_id=4)
    generation = index.generation()
    assert generation is not None and "xylophonist" not in spelling.read(generation).counts


@pytest.mark.parametrize(("commoner", "rarer"), [("moose", "mouse"), ("mouse", "moose")])
def test_the_word_more_case_studies_hold_is_suggested(
    index: SearchIndex, commoner: str, rarer: str
) -> None:
    index.rebuild(
        [
            document(slug="one", title=f"The {commoner} panel"),
            document(slug="two", title=f"A {commoner} forum"),
            document(slug="three", title=f"The {rarer} office"),
        ],
        change_id=1,
    )
    # "mose" is one edit from either word.
    assert index.corrections({"mose", commoner}) == {"mose": commoner}


def test_suggestions_rank_the_word_itself_not_its_family(index: SearchIndex) -> None:
    # "planing" is one edit from "planning" and from "placing"; "placing" is rarer than
    # "planning", though its family (place, places, placed) is commoner than plan's.
    titles = ["Planning ahead", "Joint planning", "Placing children", "A place to stay"]
    titles += ["Places for all", "Placed with kin"]
    index.rebuild(
        [document(slug=f"study-{n}", title=title) for n, title in enumerate(titles)], change_id=1
    )
    generation = index.generation()
    assert generation is not None
    assert spelling.read(generation).counts["planning"] == 2
    assert index.corrections({"planing"}) == {"planing": "planning"}


def test_an_index_without_a_spelling_list_is_rebuilt(index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)
    generation = index.generation()
    assert generation is not None and index.exists()
    spelling.path(generation).unlink()  # as an index written by an earlier version
    assert not index.exists()


def test_searches_run_side_by_side_while_the_index_changes(index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)
    query = QueryBuilder(index.schema).build("fostering")
    totals: set[int] = set()
    failures: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(40):
                totals.add(index.search(query, Filters(), "relevance", 0, 10).total)
        except BaseException as error:  # collected: a thread's exception is otherwise lost
            failures.append(error)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for change in range(2, 8):  # each change swaps in a new view under the searches
        slug = f"extra-{change}"
        index.apply([document(slug=slug, title="More fostering work")], [], change)
    index.rebuild(documents(), change_id=9)
    for thread in threads:
        thread.join()
    assert not failures
    assert (
        totals <= set(range(1, 8)) and index.search(query, Filters(), "relevance", 0, 10).total == 1
    )


def test_a_closed_index_reopens_on_the_next_search(index: SearchIndex) -> None:
    index.rebuild(documents(), change_id=1)
    index.close()
    assert index.doc_count() == 6
