"""The build's writers (app/search/building.py) write what Whoosh's own write: the text fields'
postings from their places, and the postings pool's order however many runs it spills."""

import itertools
import pickle
import random
from pathlib import Path

import numpy as np
from whoosh import index
from whoosh.analysis import StemFilter
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.writing import PostingPool

from app.search import building, positions
from app.search.analysis import make_analyzer, make_word_analyzer
from app.search.schema import TEXT_FIELDS, build_schema
from bench.corpus import case_studies
from tests.unit.test_index_analysis import TRICKY, _texts


def test_the_text_fields_postings_are_whoosh_s() -> None:
    chain = make_word_analyzer() | StemFilter(cachesize=50_000)
    # As the build workers get them: unpickled from the index's table of contents.
    schema = pickle.loads(pickle.dumps(build_schema()))
    for name in TEXT_FIELDS:
        assert isinstance(schema[name].format, building.Positions)
    field = schema["body"]
    for text in _texts():
        expected = [
            (word.encode("utf-8"), count, weight, value)
            for word, count, weight, value in Positions().word_values(text, chain, mode="index")
        ]
        assert list(field.index(text)) == expected, text


def test_other_calls_of_the_format_are_whoosh_s() -> None:
    analyzer = make_analyzer()
    for text in TRICKY:
        for kwargs in ({"mode": "query"}, {"mode": "index", "boosts": False}):
            ours = building.Positions().word_values(text, analyzer, **kwargs)
            assert list(ours) == list(Positions().word_values(text, analyzer, **kwargs))


def _postings(count: int) -> list[tuple[str, bytes, int, float, bytes]]:
    chosen = random.Random(19)
    return [
        (
            chosen.choice(["body", "title", "summary"]),
            chosen.choice(["care", "leaver", "school", "früh"]).encode("utf-8"),
            chosen.randrange(500),
            float(chosen.randrange(1, 4)),
            pickle.dumps([chosen.randrange(100)], 2),
        )
        for _ in range(count)
    ]


def test_the_pool_gives_whoosh_s_order_through_spilled_runs(tmp_path: Path) -> None:
    postings = _postings(20_000)
    storage = FileStorage(str(tmp_path))
    # About 1,000 postings a run: twenty runs, merged, and chunks split across them.
    pool = building.Pool(storage, None, limitmb=building.BYTES_A_POSTING * 1000 / 2**20)
    theirs = PostingPool(storage, None, limitmb=128)
    for posting in postings:
        pool.add(posting)
        theirs.add(posting)
    assert len(pool.runs) >= 19
    assert list(pool.items()) == list(theirs.items()) == sorted(postings)
    assert pool.fieldnames == {"body", "title", "summary"}
    assert storage.list() == []  # every run read is removed


def test_a_build_writes_the_postings_whoosh_s_writer_writes(tmp_path: Path) -> None:
    schema = build_schema()
    documents = [
        {"slug": s.slug, "title": s.title, "summary": s.summary, "body": s.body}
        for s in itertools.islice(case_studies(40), 40)
    ]
    built = []
    for name, make in (("whoosh", None), ("ours", building.writer)):
        folder = tmp_path / name
        folder.mkdir()
        ix = index.create_in(str(folder), schema)
        writer = ix.writer() if make is None else make(ix, 1, 128, 1.0)
        for document in documents:
            writer.add_document(**document)
        writer.commit()
        with ix.reader() as reader:
            # Each term's shortest and longest document, from the lengths the postings writer
            # was given (Whoosh's reads them from the column file, ours once a field).
            lengths = [
                (field, text, info.min_length(), info.max_length())
                for field, text in reader.all_terms()
                for info in [reader.term_info(field, text)]
            ]
            built.append((list(reader.iter_postings()), list(reader.iter_docs()), lengths))
    assert built[0] == built[1]
    assert len(built[0][0]) > 5_000
    assert len({(low, high) for *_, low, high in built[0][2]}) > 100


def test_the_text_fields_places_are_read_without_whoosh_s_decoder(tmp_path: Path) -> None:
    # positions.read_places decodes Whoosh's Positions values itself, for the formats it knows
    # write them: the text fields' format must be one, or every phrase check takes the slow way.
    ix = index.create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        writer.add_document(slug="a", body="care leavers and care")
    with ix.searcher() as searcher:
        matcher = searcher.postings("body", "care")
        assert type(matcher.format) in positions.ENCODED_AS_WHOOSH
        ids = np.array([0], dtype=np.int32)
        assert positions.read_places(matcher, ids, ids).tolist() == [0, 2]
