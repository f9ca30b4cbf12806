"""Searches side by side: queries a second from 1, 2 and 4 threads sharing one index, in process.

The bundled collection is loaded into a temporary SQLite store and indexed as bench/run.py does
it; each thread then runs the benchmark's 60 queries (half with filters) round and round for a
fixed time. Two levels: `SearchIndex.search` alone, and `SearchService.search` with its page
cache off (each thread with its own session, as each request has). Prints a Markdown table.

    python -m bench.threads [--seconds 3]
"""

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from app.config import ROOT
from app.core.collection import read_collection
from app.core.vocabulary import get_vocabulary
from app.search.index import Filters, SearchIndex
from app.search.query import QueryBuilder
from app.services.collection import load_collection
from app.services.filters import SearchRequest
from app.services.indexing import rebuild_index
from app.services.search import SearchService
from app.store.db import init_db, make_engine
from bench.corpus import queries

THREADS = (1, 2, 4)


def throughput(work: Callable[[int], Callable[[], None]], threads: int, seconds: float) -> float:
    """Queries a second over `threads` threads; work(n) gives thread n its one-query step."""
    steps = [work(n) for n in range(threads)]
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def run(n: int) -> None:
        start.wait()
        while not stop.is_set():
            steps[n]()
            counts[n] += 1

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - began)


def measure(seconds: float) -> dict[str, list[float]]:
    files, problems = read_collection(ROOT / "data" / "case_studies")
    assert not problems, problems
    vocabulary = get_vocabulary()
    asked = queries()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/store.db")
        init_db(engine)
        load_collection(engine, files)
        index = SearchIndex(Path(tmp) / "index")
        rebuild_index(engine, index, vocabulary)
        builder = QueryBuilder(index.schema)
        planned = [(builder.build(text), Filters(values=filters)) for text, filters in asked]
        service = SearchService(index, vocabulary, cache_bytes=0)
        requests = [SearchRequest(q=text, filters=filters) for text, filters in asked]
        sessions: list[Session] = []

        def index_step(n: int) -> Callable[[], None]:
            turn = iter(range(n * 7, 10**12))

            def step() -> None:
                query, filters = planned[next(turn) % len(planned)]
                index.search(query, filters, "relevance", 0, 10)

            return step

        def service_step(n: int) -> Callable[[], None]:
            turn = iter(range(n * 7, 10**12))
            session = Session(engine)
            sessions.append(session)

            def step() -> None:
                service.search(session, requests[next(turn) % len(requests)], "")

            return step

        results: dict[str, list[float]] = {}
        for name, work in (("SearchIndex.search", index_step), ("SearchService", service_step)):
            throughput(work, 1, 1.0)  # warm: postings, phrases, plans
            results[name] = [throughput(work, n, seconds) for n in THREADS]
            for session in sessions:
                session.close()
            sessions.clear()
        index.close()
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per thread count")
    args = parser.parse_args()
    results = measure(args.seconds)
    print("| level | " + " | ".join(f"{n} thread{'s' * (n > 1)}" for n in THREADS) + " |")
    print("|---|" + "---:|" * len(THREADS))
    for name, figures in results.items():
        print(f"| {name} | " + " | ".join(f"{q:.0f} q/s" for q in figures) + " |")


if __name__ == "__main__":
    main()
