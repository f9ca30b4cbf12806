"""The bundled collection's search index, built once per test process for the modules that
only read it (the ranker against Whoosh, BM25F against its reference): each built its own,
about 5 s of CPU a build."""

from collections.abc import Iterator

import pytest

from app.config import ROOT
from app.core.collection import read_collection
from app.search.index import SearchIndex
from tests.unit.test_index import document


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Every bundled case study in one generation. Read it only: open a searcher of your own
    (tests/unit/test_ranking.py's `opened`), so that no module's caches serve another's."""
    files, problems = read_collection(ROOT / "data" / "case_studies")
    assert not problems
    index = SearchIndex(tmp_path_factory.mktemp("bundled") / "index")
    index.rebuild((document(**study.model_dump()) for study in files), change_id=1)
    yield index
    index.close()
