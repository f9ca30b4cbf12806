"""`python -m indexer thesaurus export`: moderators' accepted everyday phrases are added to the
thesaurus file's `everyday:` section, the file otherwise as people wrote it, and read back."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from app.search.thesaurus import THESAURUS_FILE, load_thesaurus
from app.search.thesaurus_file import add_everyday
from app.store import curation
from app.store.db import init_db, make_engine
from indexer.cli import cli


def test_new_phrases_are_added_at_the_end_of_the_everyday_section() -> None:
    text = THESAURUS_FILE.read_text(encoding="utf-8")
    entries = {"kids": ["young people"], "grandparents raising": ["kinship care"]}
    updated, added, skipped = add_everyday(text, entries, today=date(2026, 11, 29))
    assert (added, skipped) == (["grandparents raising"], ["kids"])
    assert updated.startswith(text.split("\nfiller:")[0].rstrip("\n"))  # nothing above changed
    assert updated.endswith("\nfiller:" + text.split("\nfiller:")[1])  # nor below
    assert (
        '  # Accepted by moderators (exported 2026-11-29)\n  "grandparents raising": '
        '["kinship care"]\n\nfiller:'
    ) in updated


def test_a_file_without_an_everyday_section_is_refused() -> None:
    with pytest.raises(ValueError, match="no 'everyday:' section"):
        add_everyday("synonyms:\n  - [a, b]\n", {"kids": ["children"]})


def test_the_command_exports_what_moderators_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        curation.decide(
            session, "grandparents raising", "accepted", ["kinship care"], "tester", None
        )
        curation.decide(session, "zorbing", "dismissed", [], "tester", None)
    engine.dispose()
    file = tmp_path / "thesaurus.yaml"
    shutil.copyfile(THESAURUS_FILE, file)
    result = CliRunner().invoke(cli, ["thesaurus", "export", "--file", str(file)])
    assert result.exit_code == 0, result.output
    assert "Added 1 everyday phrase(s)" in result.output
    assert load_thesaurus(file).meanings("grandparents raising")[0] == "kinship care"
    assert "zorbing" not in file.read_text()
    again = CliRunner().invoke(cli, ["thesaurus", "export", "--file", str(file)])
    assert "Added 0 everyday phrase(s)" in again.output
    assert "kept the file's own entry for “grandparents raising”" in again.output
