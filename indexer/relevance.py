"""The relevance suite: graded practitioner queries scored as nDCG@10 and MRR.

The judgments live in data/relevance/queries.yaml, written by people from the case studies, not
from what the engine returned. Scores run in-process over a throwaway store and index built from
the collection, so they measure the search and nothing else.
"""

import math
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.config import ROOT
from app.core.collection import read_collection
from app.core.content import CaseStudyFile
from app.core.vocabulary import FILTERS, get_vocabulary
from app.core.yaml_files import load_yaml
from app.search.index import SearchIndex
from app.services.collection import load_collection
from app.services.filters import SearchRequest
from app.services.indexing import rebuild_index
from app.services.search import SearchService
from app.store.db import init_db, make_engine

JUDGMENTS = ROOT / "data" / "relevance" / "queries.yaml"
# Written by a judge who never saw the suite or the search; only ever scored, never tuned to, so
# it shows whether what the suite rewards carries over to queries nobody tuned for.
HELD_OUT = ROOT / "data" / "relevance" / "heldout.yaml"
DEPTH = 10
WANTED = 2  # MRR counts the first result graded "clearly useful" or better


KINDS = ("short", "question", "everyday", "long")


@dataclass(frozen=True)
class Judgment:
    query: str
    expected: dict[str, int]
    filters: dict[str, list[str]] = field(default_factory=dict)
    kind: str = "short"
    # Case studies a judge read for this query and found not relevant (grade 0). Scored as any
    # unjudged one is; kept so that a new pooling round asks only about pairs nobody has read,
    # and so that the report can say how much of each top 10 a judge has looked at.
    not_relevant: frozenset[str] = frozenset()

    def judged(self, slug: str) -> bool:
        return slug in self.expected or slug in self.not_relevant


@dataclass(frozen=True)
class Score:
    judgment: Judgment
    ranked: list[str]
    ndcg: float
    rr: float

    @property
    def found(self) -> int:
        """How many of the judged case studies made the top 10."""
        return sum(1 for slug in self.ranked[:DEPTH] if slug in self.judgment.expected)

    @property
    def unjudged(self) -> int:
        """How many of the top 10 no judge has read for this query (scored as not relevant)."""
        return sum(1 for slug in self.ranked[:DEPTH] if not self.judgment.judged(slug))


@dataclass(frozen=True)
class Report:
    scores: list[Score]

    @property
    def ndcg(self) -> float:
        return sum(s.ndcg for s in self.scores) / len(self.scores)

    @property
    def mrr(self) -> float:
        return sum(s.rr for s in self.scores) / len(self.scores)

    @property
    def judged(self) -> float:
        """The share of the results shown in the top 10s that a judge has read: where it is
        well below 1, nDCG@10 counts unread case studies as not relevant and may understate."""
        shown = sum(min(len(s.ranked), DEPTH) for s in self.scores)
        return 1 - sum(s.unjudged for s in self.scores) / shown if shown else 1.0

    def by_kind(self) -> dict[str, "Report"]:
        """The same scores, one report per kind of query present."""
        kinds = [k for k in KINDS if any(s.judgment.kind == k for s in self.scores)]
        return {k: Report([s for s in self.scores if s.judgment.kind == k]) for k in kinds}


def read_judgments(path: Path = JUDGMENTS) -> list[Judgment]:
    """Read and check the judgments file; raise ValueError naming the bad entry."""
    rows: Any = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{path}: expected a list of queries")
    judgments = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not row.get("query") or not row.get("expected"):
            raise ValueError(f"{path}: entry {number} needs a query and expected grades")
        grades = {str(k): int(v) for k, v in row["expected"].items()}
        if any(g not in (1, 2, 3) for g in grades.values()):
            raise ValueError(f"{path}: {row['query']!r}: grades are 1, 2 or 3")
        filters = {str(k): [str(v) for v in vs] for k, vs in (row.get("filters") or {}).items()}
        unread = row.get("not_relevant") or []
        if not isinstance(unread, list) or not all(isinstance(s, str) for s in unread):
            raise ValueError(f"{path}: {row['query']!r}: not_relevant is a list of slugs")
        if set(unread) & set(grades):
            raise ValueError(f"{path}: {row['query']!r}: a slug is both graded and not_relevant")
        if set(filters) - set(FILTERS):
            raise ValueError(f"{path}: {row['query']!r}: filters are {', '.join(FILTERS)}")
        kind = str(row.get("kind") or "short")
        if kind not in KINDS:
            raise ValueError(f"{path}: {row['query']!r}: kind is one of {', '.join(KINDS)}")
        judgments.append(Judgment(str(row["query"]), grades, filters, kind, frozenset(unread)))
    return judgments


def dcg(grades: list[int]) -> float:
    return float(sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:DEPTH])))


def ndcg_at_10(ranked: list[str], expected: dict[str, int]) -> float:
    ideal = dcg(sorted(expected.values(), reverse=True))
    return dcg([expected.get(slug, 0) for slug in ranked]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], expected: dict[str, int]) -> float:
    for rank, slug in enumerate(ranked[:DEPTH], 1):
        if expected.get(slug, 0) >= WANTED:
            return 1 / rank
    return 0.0


@contextmanager
def collection_search(data_dir: Path) -> Iterator[tuple[SearchService, Session]]:
    """A search service over a throwaway store and index holding the collection in data_dir."""
    studies, problems = read_collection(data_dir)
    if problems:
        raise ValueError(f"{len(problems)} problem(s) in {data_dir}; run `indexer check`")
    vocabulary = get_vocabulary()
    with tempfile.TemporaryDirectory(prefix="relevance-") as scratch:
        engine = make_engine(f"sqlite:///{scratch}/store.db")
        init_db(engine)
        load_collection(engine, studies)
        index = SearchIndex(Path(scratch) / "index")
        rebuild_index(engine, index, vocabulary)
        try:
            with Session(engine) as session:
                yield SearchService(index, vocabulary), session
        finally:
            index.close()
            engine.dispose()


def score(judgment: Judgment, ranked: list[str]) -> Score:
    """One query's ranking (slugs, best first) scored against its judgments."""
    return Score(
        judgment,
        ranked,
        ndcg_at_10(ranked, judgment.expected),
        reciprocal_rank(ranked, judgment.expected),
    )


def evaluate(judgments: list[Judgment], data_dir: Path) -> Report:
    scores = []
    with collection_search(data_dir) as (service, session):
        for judgment in judgments:
            request = SearchRequest(q=judgment.query, filters=judgment.filters, per_page=DEPTH)
            page = service.search(session, request)
            scores.append(score(judgment, [result.slug for result in page.results]))
    return Report(scores)


def _matches(study: CaseStudyFile, filters: dict[str, list[str]]) -> bool:
    vocabulary = get_vocabulary()
    for name, wanted in filters.items():
        kind = FILTERS[name]
        if kind == "regions":
            have = {vocabulary.region_slug(study.region)}
        elif kind == "evidence":
            have = {study.evidence}
        else:
            have = set(getattr(study, kind))
        if not have & set(wanted):
            return False
    return True


def evaluate_baseline(judgments: list[Judgment], data_dir: Path) -> Report:
    """The same judgments scored against plain BM25: SQLite FTS5 over title, summary and body
    (Porter stemming, any of the query's words, filters applied to what it ranks)."""
    studies, _ = read_collection(data_dir)
    by_slug = {s.slug: s for s in studies}
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(slug UNINDEXED, title, summary, body, "
        "tokenize='porter unicode61')"
    )
    db.executemany(
        "INSERT INTO fts VALUES (?, ?, ?, ?)",
        [(s.slug, s.title, s.summary, s.body) for s in studies],
    )
    scores = []
    for judgment in judgments:
        words = re.findall(r"\w+", judgment.query.casefold())
        match = " OR ".join(f'"{w}"' for w in words) or '""'
        rows = db.execute("SELECT slug FROM fts WHERE fts MATCH ? ORDER BY bm25(fts)", (match,))
        ranked = [s for (s,) in rows if _matches(by_slug[s], judgment.filters)][:DEPTH]
        scores.append(score(judgment, ranked))
    db.close()
    return Report(scores)
