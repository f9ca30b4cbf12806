"""Do two builds of the same store show the same pages? `python -m bench.determinism`.

The synthetic corpus repeats its sentences, so many results tie on score; the two-process build
hands batches to its workers in a varying order, so two builds number the documents
differently. Ranking must not depend on those numbers (ties go by slug): this builds one store's
index twice, the way bench/run.py does, and compares pages 1 and 2 of the bench's queries by
relevance, and page 1 of each by newest and by title. With --folder, the store and both
builds are kept and used again by the next run (the same two builds, read by other code).
"""

import argparse
import itertools
import tempfile
from pathlib import Path

from sqlmodel import Session

from app.core.vocabulary import get_vocabulary
from app.search.index import SearchIndex
from app.services.collection import load_collection
from app.services.filters import SearchRequest
from app.services.indexing import rebuild_index
from app.services.search import SearchService
from app.store.db import init_db, make_engine
from bench.corpus import case_studies, queries

Pages = dict[tuple[str, str, str, int], list[str]]


def pages(engine: object, index: SearchIndex) -> Pages:
    """Each query's pages: (text, filters, sort, page) -> slugs."""
    search = SearchService(index, get_vocabulary())
    found: Pages = {}
    with Session(engine) as session:  # type: ignore[call-overload]
        for text, filters in queries():
            for sort, page in (("relevance", 1), ("relevance", 2), ("newest", 1), ("title", 1)):
                request = SearchRequest(q=text, filters=filters, sort=sort, page=page)  # type: ignore[arg-type]
                shown = search.search(session, request)
                found[(text, repr(filters), sort, page)] = [r.slug for r in shown.results]
    return found


def numbering(index: SearchIndex) -> dict[str, int]:
    with index._reading() as view:
        return {slug: docnum for docnum, slug in enumerate(view.slugs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument(
        "--folder", type=Path, help="keep the store and both builds here; reuse them if there"
    )
    args = parser.parse_args()
    if args.folder is None:
        with tempfile.TemporaryDirectory() as tmp:
            compare(args.size, Path(tmp))
    else:
        args.folder.mkdir(parents=True, exist_ok=True)
        compare(args.size, args.folder)


def compare(size: int, folder: Path) -> None:
    engine = make_engine(f"sqlite:///{folder}/store.db")
    if not (folder / "index-2").exists():
        init_db(engine)
        studies = case_studies(size)
        while batch := list(itertools.islice(studies, 2000)):
            load_collection(engine, batch)
    built: list[tuple[Pages, dict[str, int]]] = []
    for n in (1, 2):
        index = SearchIndex(folder / f"index-{n}")
        if not index.exists():
            rebuild_index(engine, index, get_vocabulary())
        built.append((pages(engine, index), numbering(index)))
        index.close()
    engine.dispose()
    (first, numbers_a), (second, numbers_b) = built
    renumbered = sum(numbers_a[slug] != numbers_b.get(slug) for slug in numbers_a)
    print(f"{size} case studies; numbered differently by the two builds: {renumbered}")
    for sort, page in (("relevance", 1), ("relevance", 2), ("newest", 1), ("title", 1)):
        keys = [k for k in first if k[2] == sort and k[3] == page]
        differ = [k for k in keys if first[k] != second[k]]
        print(f"{sort} page {page}: {len(differ)} of {len(keys)} pages differ")
        for key in differ[:3]:
            print(f"  {key[0]!r} {key[1]}: {first[key]} / {second[key]}")


if __name__ == "__main__":
    main()
