"""`indexer export` then `indexer load` gives back the same store: the bundled collection and
published submissions with awkward text, loaded into an empty store, compared field by field."""

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from app.config import ROOT, Settings
from app.core.collection import read_collection
from app.core.content import CaseStudyFile
from app.store import case_studies as store
from app.store.db import make_engine
from indexer.cli import cli
from testkit.factories import BODY, make_draft
from tests.api.conftest import Keys, auth, submit

SHARED_SOURCE = "https://www.leeds.gov.uk/children-and-families/kinship-care?a=1&b=2"
AWKWARD = [
    # YAML's own words, colons, hashes and quotes where front matter would trip on them
    ("leeds", make_draft(title="Yes", summary="null: a hub that gives carers advice # and more")),
    # two case studies citing the same page (submissions may; the curated collection may not)
    ("leeds", make_draft(title="Kinship hub", source_url=SHARED_SOURCE)),
    (
        "york",
        make_draft(title="Kinship line", council="City of York Council", source_url=SHARED_SOURCE),
    ),
    (
        "admin",
        make_draft(
            title="A joint adoption service &amp; more",
            council="Rochdale Borough Council and Wigan Council",
            region="North West",
            summary="Shared by two councils.\n---\nIt opened in 2021, 'quoted' and \"so\".",
            outcomes=["- starts with a dash", "'quoted'", "50%: rose from 40 to 60"],
            partners=["NHS, Leeds", "Police: West Yorkshire"],
            programme="Mockingbird (Fostering Network)",
            published="2019",
            updated="2020-05",
            body=BODY.format(
                challenge="---\n\nTabs\tand trailing spaces   \n\n---",
                solution="Cymraeg – ‘ysgol’ ✓ 🙂 and a line\u2028separator",
                impact="> quoted\n\n- listed",
            ),
        ),
    ),
]


@pytest.fixture
def studies() -> list[CaseStudyFile]:
    found, problems = read_collection(ROOT / "data" / "case_studies")
    assert problems == []
    return found


def fresh_database(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> str:
    if settings.database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'copy.db'}"
    return str(request.getfixturevalue("postgres").new_database())


def case_study_fields(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every column a case study file carries, and those derived from it, by slug."""
    with Session(engine) as session:
        return {
            row.slug: {
                **store.to_file(row).model_dump(),
                "published_year": row.published_year,
                "content_hash": row.content_hash,
                "tags": [(t.kind, t.value) for t in row.tags],
            }
            for row in store.iter_published(session)
        }


def test_export_then_load_gives_back_the_same_store(
    client: TestClient,
    keys: Keys,
    settings: Settings,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = {"leeds": keys.leeds, "york": keys.york, "admin": keys.admin}
    for who, draft in AWKWARD:
        record = submit(client, key[who], draft)
        assert record.status_code == 201, record.text
        published = client.post(
            f"/api/v1/moderation/{record.json()['id']}/publish", headers=auth(keys.moderator)
        )
        assert published.status_code == 200, published.text

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INDEX_DIR", str(settings.index_dir))
    exported = CliRunner().invoke(cli, ["export", str(tmp_path / "exported")])
    assert exported.exit_code == 0, exported.output

    copy = fresh_database(request, settings, tmp_path)
    monkeypatch.setenv("DATABASE_URL", copy)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "copy-index"))
    loaded = CliRunner().invoke(cli, ["load", str(tmp_path / "exported")])
    assert loaded.exit_code == 0, loaded.output
    assert f"Loaded {199 + len(AWKWARD)} case studies" in loaded.output
    assert re.search(  # submissions' slugs end in a few random characters
        r"Note: york-kinship-line-\w+\.md: source_url: is also the source of "
        r"leeds-kinship-hub-\w+\.md",
        loaded.output,
    )

    original = case_study_fields(client.app.state.engine)  # type: ignore[attr-defined]
    copy_engine = make_engine(copy)
    try:
        again = case_study_fields(copy_engine)
    finally:
        copy_engine.dispose()
    assert len(original) == 199 + len(AWKWARD)
    assert again == original
    reloaded = CliRunner().invoke(cli, ["load", str(tmp_path / "exported")])
    assert "Nothing changed" in reloaded.output
