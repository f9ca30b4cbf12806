"""The indexer command line, run as an operator would (settings from the environment)."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.core.collection import write_collection
from indexer.cli import cli
from testkit.factories import make_case_study, sample_collection

BAD = Path(__file__).parent.parent / "fixtures" / "bad"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    return CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_collection(tmp_path / "collection", sample_collection())
    return tmp_path / "collection"


def test_check_passes_a_good_folder(run: CliRunner, folder: Path) -> None:
    result = run.invoke(cli, ["check", str(folder)])
    assert result.exit_code == 0
    assert "6 case studies" in result.output


def test_check_lists_every_problem_and_fails(run: CliRunner) -> None:
    result = run.invoke(cli, ["check", str(BAD)])
    assert result.exit_code == 1
    assert "unknown-tags.md: themes: Value error, unknown theme 'no-such-theme'" in result.output
    assert "no-front-matter.md" in result.output and "broken-yaml.md" in result.output


def test_load_is_idempotent_and_says_so(run: CliRunner, folder: Path) -> None:
    first = run.invoke(cli, ["load", str(folder)])
    assert first.exit_code == 0 and "6 created" in first.output
    again = run.invoke(cli, ["load", str(folder)])
    assert again.exit_code == 0
    assert "Nothing changed: all 6 case studies were already up to date." in again.output


def test_load_refuses_a_folder_with_problems_and_writes_nothing(
    run: CliRunner, folder: Path, tmp_path: Path
) -> None:
    (folder / "broken.md").write_text((BAD / "unknown-tags.md").read_text())
    result = run.invoke(cli, ["load", str(folder)])
    assert result.exit_code == 1 and "nothing was changed" in result.output
    assert not (tmp_path / "store.db").exists()


def test_build_then_verify_then_a_change_reaches_the_index(run: CliRunner, folder: Path) -> None:
    assert run.invoke(cli, ["load", str(folder)]).exit_code == 0
    built = run.invoke(cli, ["build"])
    assert built.exit_code == 0 and "6 published case studies" in built.output
    assert run.invoke(cli, ["verify"]).exit_code == 0
    write_collection(
        folder, [make_case_study(slug="extra-one", source_url="https://example.org/x")]
    )
    loaded = run.invoke(cli, ["load", str(folder)])
    assert "1 created" in loaded.output and "Index brought up to date" in loaded.output
    verified = run.invoke(cli, ["verify"])
    assert verified.exit_code == 0 and "7 published" in verified.output


def test_verify_reports_a_missing_index(run: CliRunner, folder: Path) -> None:
    run.invoke(cli, ["load", str(folder)])
    result = run.invoke(cli, ["verify"])
    assert result.exit_code == 1 and "No readable index" in result.output


def test_verify_lists_every_difference(
    run: CliRunner, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.invoke(cli, ["load", str(folder)])
    run.invoke(cli, ["build"])
    # Change the store behind the index's back: one new, one withdrawn, one edited. The index
    # (no running service to catch it up) now disagrees three ways.
    changed = [
        make_case_study(slug="brand-new", source_url="https://example.org/brand-new"),
        *[
            s.model_copy(update={"status": "withdrawn"})
            for s in sample_collection()
            if s.slug == "south-fostering"
        ],
        *[
            s.model_copy(update={"summary": "An edited summary that the index has not seen."})
            for s in sample_collection()
            if s.slug == "north-care-leavers"
        ],
    ]
    from app.config import Settings
    from app.services.collection import load_collection
    from app.store.db import make_engine

    engine = make_engine(Settings().database_url)
    load_collection(engine, changed)
    engine.dispose()
    result = run.invoke(cli, ["verify"])
    assert result.exit_code == 1
    assert "missing from the index: brand-new" in result.output
    assert "in the index but not published: south-fostering" in result.output
    assert "indexed from older content: north-care-leavers" in result.output
    assert "3 difference(s)" in result.output
    run.invoke(cli, ["build"])
    assert run.invoke(cli, ["verify"]).exit_code == 0


def test_export_writes_files_that_load_back_the_same(
    run: CliRunner, folder: Path, tmp_path: Path
) -> None:
    run.invoke(cli, ["load", str(folder)])
    result = run.invoke(cli, ["export", str(tmp_path / "exported")])
    assert result.exit_code == 0 and "Wrote 6" in result.output
    originals = sorted(p.read_text() for p in folder.glob("*.md"))
    exported = sorted(p.read_text() for p in (tmp_path / "exported").glob("*.md"))
    assert exported == originals


def test_relevance_prints_a_row_per_query_and_the_means(
    run: CliRunner, folder: Path, tmp_path: Path
) -> None:
    judgments = tmp_path / "queries.yaml"
    judgments.write_text(
        "- query: apprenticeships for care leavers\n"
        "  expected: {north-care-leavers: 3}\n"
        "- query: foster carers\n"
        "  expected: {south-fostering: 3, north-care-leavers: 1}\n"
    )
    result = run.invoke(cli, ["relevance", "--judgments", str(judgments), str(folder)])
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0].strip(): line for line in result.output.splitlines()}
    assert "1.000" in rows["apprenticeships for care leavers"]
    assert "south-fostering" in rows["foster carers"]
    assert re.search(
        r"^2 queries: nDCG@10 0\.\d{3}, MRR 1\.000 \(plain BM25: 0\.\d{3}, \d\.\d{3}\)$",
        result.output,
        re.M,
    )
    # kind, queries, nDCG@10, MRR, the share of the top 10s a judge has read, then BM25's
    assert re.search(
        r"^ short +2 +0\.\d{3} +1\.000 +\d+% +0\.\d{3} +\d\.\d{3} +\d+%", result.output, re.M
    )


def test_relevance_refuses_a_broken_judgments_file(
    run: CliRunner, folder: Path, tmp_path: Path
) -> None:
    judgments = tmp_path / "queries.yaml"
    judgments.write_text("- query: no grades\n")
    result = run.invoke(cli, ["relevance", "--judgments", str(judgments), str(folder)])
    assert result.exit_code == 1
    assert "needs a query and expected grades" in result.output


def test_a_council_key_is_for_a_council_we_know(run: CliRunner) -> None:
    refused = run.invoke(
        cli, ["keys", "create", "--role", "council", "--council", "Leeds Citty Council"]
    )
    assert refused.exit_code == 2
    assert "Did you mean 'Leeds City Council'?" in refused.output
    made = run.invoke(cli, ["keys", "create", "--role", "council", "--council", "leeds"])
    assert made.exit_code == 0, made.output
    assert "Created council key 1 for Leeds City Council." in made.output
