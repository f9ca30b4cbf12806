"""What each means of ranking buys: the judged queries scored with each one switched off in
turn, beside the whole (docs/relevance.md has the table and the history).

    .venv/bin/python -m bench.relevance_means

One throwaway index serves every variant: what changes is the query builder, a constant of the
BM25F scorer or the weight of the embeddings in the fusion (each variant gets a fresh view of
the index, so no scores made under another variant's constants are reused).
"""

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from app.config import Settings
from app.search import bm25f, semantic
from app.search.query import QueryBuilder, Tuning
from app.services.filters import SearchRequest
from indexer import relevance


@contextmanager
def constant(module: object, name: str, value: float) -> Iterator[None]:
    before = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, before)


@contextmanager
def nothing() -> Iterator[None]:
    yield


VARIANTS: dict[str, tuple[Tuning, Callable[[], AbstractContextManager[None]]]] = {
    "all the means": (Tuning(), nothing),
    "without hybrid (embeddings)": (Tuning(), lambda: constant(semantic, "SEMANTIC_WEIGHT", 0.0)),
    "without everyday words": (Tuning(everyday=False), nothing),
    "everyday words weighed half (0.5)": (Tuning(everyday_boost=0.5), nothing),
    "thesaurus entries weighed as plain words": (Tuning(entry_weight=1.0), nothing),
    "without filler words": (Tuning(filler=False), nothing),
    "everyday words' sector words not embedded": (Tuning(everyday_meaning=False), nothing),
    "without minimum-should-match": (Tuning(minimum_share=0), nothing),
    "without place words": (Tuning(places=False), nothing),
    "BM25F with K1 = 1.2": (Tuning(), lambda: constant(bm25f, "K1", 1.2)),
    "a phrase's idf its words' sum alone": (
        Tuning(),
        lambda: constant(bm25f, "PHRASE_OWN_IDF", False),
    ),
    "fields scored apart (no BM25F)": (Tuning(bm25f=False), nothing),
}


def main() -> None:
    judgments = relevance.read_judgments()
    folder = Settings().data_dir
    rows = []
    with relevance.collection_search(folder) as (service, session):
        for name, (tuning, context) in VARIANTS.items():
            service.queries = QueryBuilder(service.index.schema, tuning=tuning)
            service._plans.clear()
            service.clear_cache()
            started = time.perf_counter()
            with context():
                # A fresh view: the ranker remembers BM25F scores made with the constants
                # of the variant before.
                service.index.refresh(force=True)
                scores = []
                for judgment in judgments:
                    request = SearchRequest(
                        q=judgment.query, filters=judgment.filters, per_page=relevance.DEPTH
                    )
                    page = service.search(session, request)
                    ranked = [result.slug for result in page.results]
                    expected = judgment.expected
                    ndcg = relevance.ndcg_at_10(ranked, expected)
                    rr = relevance.reciprocal_rank(ranked, expected)
                    scores.append(relevance.Score(judgment, ranked, ndcg, rr))
            report = relevance.Report(scores)
            rows.append((name, report, time.perf_counter() - started))
    baseline = relevance.evaluate_baseline(judgments, folder)
    kinds = list(baseline.by_kind())
    print(f"{'':44} {'all':>6} " + " ".join(f"{k:>8}" for k in kinds))
    for name, report, _seconds in [*rows, ("plain BM25 (SQLite FTS5)", baseline, 0.0)]:
        by = report.by_kind()
        cells = " ".join(f"{by[k].ndcg:8.3f}" for k in kinds)
        print(f"{name:44} {report.ndcg:6.3f} {cells}")
    print(f"tuning: {dataclasses.asdict(Tuning())}, K1 {bm25f.K1}, B {bm25f.B}")


if __name__ == "__main__":
    main()
