"""The relevance suite: its metrics, its judgments, and the floor recorded in the README."""

import re
from pathlib import Path

import pytest

from app.config import ROOT
from indexer import relevance

README = ROOT / "README.md"
COLLECTION = ROOT / "data" / "case_studies"


def test_ndcg_is_one_for_the_ideal_order_and_less_otherwise() -> None:
    expected = {"a": 3, "b": 2, "c": 1}
    assert relevance.ndcg_at_10(["a", "b", "c"], expected) == pytest.approx(1.0)
    assert relevance.ndcg_at_10(["c", "b", "a"], expected) < 1.0
    assert relevance.ndcg_at_10(["x", "a", "b", "c"], expected) < 1.0
    assert relevance.ndcg_at_10(["x", "y"], expected) == 0.0
    # Only the top ten count.
    assert relevance.ndcg_at_10([str(i) for i in range(10)] + ["a"], expected) == 0.0


def test_reciprocal_rank_counts_the_first_clearly_useful_result() -> None:
    expected = {"marginal": 1, "useful": 2}
    assert relevance.reciprocal_rank(["useful"], expected) == 1.0
    assert relevance.reciprocal_rank(["marginal", "x", "useful"], expected) == pytest.approx(1 / 3)
    assert relevance.reciprocal_rank(["marginal"], expected) == 0.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "expected a list"),
        ("- query: x\n", "needs a query and expected"),
        ("- query: x\n  expected: {a: 5}\n", "grades are 1, 2 or 3"),
        ("- query: x\n  expected: {a: 3}\n  filters: {colour: [red]}\n", "filters are"),
        ("- query: x\n  expected: {a: 3}\n  not_relevant: b\n", "not_relevant is a list"),
        ("- query: x\n  expected: {a: 3}\n  not_relevant: [b, a]\n", "both graded and"),
    ],
)
def test_malformed_judgments_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "queries.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        relevance.read_judgments(path)


def test_the_report_says_how_much_of_each_top_ten_a_judge_has_read(tmp_path: Path) -> None:
    path = tmp_path / "queries.yaml"
    path.write_text("- query: x\n  expected: {a: 3}\n  not_relevant: [b]\n")
    (judgment,) = relevance.read_judgments(path)
    assert judgment.not_relevant == {"b"}
    read = relevance.score(judgment, ["a", "b"])
    unread = relevance.score(judgment, ["c", "a", "b", "d"])
    assert (read.unjudged, unread.unjudged) == (0, 2)
    # A case study judged not relevant scores as an unread one does: nothing.
    assert read.ndcg == 1.0 and unread.ndcg < 1.0
    assert relevance.Report([read, unread]).judged == pytest.approx(4 / 6)


@pytest.mark.parametrize(("path", "least"), [(relevance.JUDGMENTS, 150), (relevance.HELD_OUT, 60)])
def test_the_judgments_are_enough_and_name_real_case_studies(path: Path, least: int) -> None:
    judgments = relevance.read_judgments(path)
    assert len(judgments) >= least
    for kind in ("question", "everyday", "long"):
        assert sum(j.kind == kind for j in judgments) >= least // 4, kind
    slugs = {path.stem for path in COLLECTION.glob("*.md")}
    for judgment in judgments:
        assert set(judgment.expected) | judgment.not_relevant <= slugs, judgment.query
        assert max(judgment.expected.values()) >= 2, judgment.query


def test_relevance_does_not_drop_below_the_recorded_level() -> None:
    recorded = re.search(r"Recorded: nDCG@10 (\d\.\d+), MRR (\d\.\d+)", README.read_text())
    assert recorded, "README must record the relevance figures"
    ndcg, mrr = float(recorded[1]), float(recorded[2])
    report = relevance.evaluate(relevance.read_judgments(), COLLECTION)
    assert round(report.ndcg, 3) >= ndcg, f"nDCG@10 fell to {report.ndcg:.3f} (recorded {ndcg})"
    assert round(report.mrr, 3) >= mrr, f"MRR fell to {report.mrr:.3f} (recorded {mrr})"
