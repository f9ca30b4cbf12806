"""Help around submissions: the safeguarding gate, tag suggestions, duplicate warnings, what
practitioners search for, the coverage matrix, and the export round trip."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from app.config import Settings
from app.core.collection import read_collection
from app.services.collection import load_collection
from app.store import case_studies as store
from app.store.db import init_db, make_engine
from indexer.cli import cli
from testkit.factories import make_draft
from tests.api.conftest import Keys, auth, submit

RISKY = (
    "## The challenge\nJamie Smith (date of birth 12/03/2011) attends Oakfield Primary School "
    "in Year 6 and lives at 14 Elm Road, LS6 2QT.\n\n## The solution\nA hub."
)


def post(client: TestClient, key: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json=body, headers=auth(key))


# -- safeguarding -----------------------------------------------------------------------------


def test_a_submission_identifying_a_child_is_flagged_and_held_until_checked(
    client: TestClient, keys: Keys
) -> None:
    response = submit(client, keys.leeds, make_draft(body=RISKY))
    assert response.status_code == 201
    body = response.json()
    check = body["safeguarding"]
    assert check["flagged"] is True
    assert {f["kind"] for f in check["findings"]} == {
        "date_of_birth",
        "name_school_year",
        "home_address",
    }
    assert all("Jamie Smith" in f["passage"] for f in check["findings"])
    record = body["id"]
    queued = client.get("/api/v1/moderation/queue", headers=auth(keys.moderator)).json()
    assert queued["results"][0]["safeguarding"]["flagged"] is True

    refused = post(client, keys.moderator, f"/api/v1/moderation/{record}/publish")
    assert refused.status_code == 409 and "confirm-safeguarding" in refused.json()["detail"]
    assert (
        post(
            client, keys.leeds, f"/api/v1/moderation/{record}/confirm-safeguarding", {"note": "ok"}
        ).status_code
        == 403
    )
    confirmed = post(
        client,
        keys.moderator,
        f"/api/v1/moderation/{record}/confirm-safeguarding",
        {"note": "Names are invented by the council for illustration; consent on file."},
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["safeguarding"]["checked_by"].startswith("campaign team")
    assert post(client, keys.moderator, f"/api/v1/moderation/{record}/publish").status_code == 200


@pytest.mark.parametrize(
    "hidden",
    [
        "Jamie Smith, a\u200bged 7, was bo\u200brn on 12 March 2015 at 1\u200b4 Elm Ro\u200bad.",
        "Jamie Smith, a\u00adged 7, was bo\u00adrn on 12 March 2015 at 14 Elm Ro\u00adad.",
        "Jamie Smith, ag\u200ded 7, was born\u200d on 12 March 2015 at 14 Elm\u2060 Road.",
        "Jamie Smith, a&shy;ged 7, was bo&#8203;rn on 12 March 2015 at 14 Elm R&#173;oad.",
        "Jamie Smith, aged ７, was born on １２/０３/２０１５ at １４ Elm Road.",
    ],
)
def test_characters_that_show_nothing_do_not_hide_a_child_from_the_check(
    client: TestClient, keys: Keys, hidden: str
) -> None:
    """Zero-width spaces, joiners and soft hyphens inside words (pasted from Word or the web,
    or put there to slip by) read on the page as the words around them, and full-width digits
    as digits: each of these passed the check unflagged."""
    body = f"## The challenge\n{hidden}\n\n## The solution\nA hub."
    response = submit(client, keys.leeds, make_draft(body=body))
    assert response.status_code == 201, response.text
    check = response.json()["safeguarding"]
    assert check["flagged"] is True
    kinds = {f["kind"] for f in check["findings"]}
    assert kinds == {"date_of_birth", "name_and_age", "home_address"}


def test_a_realistic_anonymous_submission_is_not_flagged(client: TestClient, keys: Keys) -> None:
    body = make_draft(
        body="## The challenge\nA 14-year-old in Year 9 was at risk of exclusion.\n\n"
        "## The solution\nA mentor met her weekly."
    )
    assert submit(client, keys.leeds, body).json()["safeguarding"]["flagged"] is False


def test_an_amendment_that_changes_the_findings_needs_a_new_check(
    client: TestClient, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(body=RISKY)).json()["id"]
    post(
        client,
        keys.moderator,
        f"/api/v1/moderation/{record}/confirm-safeguarding",
        {"note": "checked"},
    )
    amended = client.patch(
        f"/api/v1/submissions/{record}",
        json={"summary": "A hub for kinship carers. Call Jamie on 07700 900123 to join."},
        headers=auth(keys.leeds),
    ).json()
    assert amended["safeguarding"]["checked_by"] is None
    assert "phone_number" in {f["kind"] for f in amended["safeguarding"]["findings"]}
    assert post(client, keys.moderator, f"/api/v1/moderation/{record}/publish").status_code == 409


# -- tag suggestions and duplicates -----------------------------------------------------------


def test_suggest_tags_proposes_tags_with_reasons(client: TestClient, keys: Keys) -> None:
    draft = {
        "title": "Recruiting foster carers for teenagers",
        "summary": "A campaign to recruit foster carers for teenagers aged 13 to 16 in care.",
        "body": "Fostering teenagers needs carers with support. Care leavers helped design it.",
    }
    response = post(client, keys.leeds, "/api/v1/submissions/suggest-tags", draft)
    assert response.status_code == 200
    found = response.json()
    themes = {t["value"]: t for t in found["themes"]}
    assert "fostering" in themes
    assert any('mentions "Fostering"' in r for r in themes["fostering"]["reasons"])
    assert any("south-fostering" in r for r in themes["fostering"]["reasons"])
    assert found["similar"][0]["slug"] == "south-fostering"
    bands = {b["value"] for b in found["age_bands"]}
    assert {"11-16", "16-25"} <= bands
    assert all(t["score"] >= 1 for kind in ("themes", "age_bands") for t in found[kind])


def test_suggest_tags_needs_a_key_and_some_text(client: TestClient, keys: Keys) -> None:
    path = "/api/v1/submissions/suggest-tags"
    assert client.post(path, json={"title": "Foster carers"}).status_code == 401
    too_little = post(client, keys.leeds, path, {"title": "Foster"})
    assert too_little.status_code == 422
    assert post(client, keys.leeds, path, {"title": 5}).status_code == 422


def test_suggest_tags_never_draws_on_unpublished_case_studies(
    client: TestClient, keys: Keys
) -> None:
    submit(client, keys.leeds, make_draft(title="Axolotl fostering scheme", themes=["neglect"]))
    found = post(
        client,
        keys.york,
        "/api/v1/submissions/suggest-tags",
        {"title": "Axolotl fostering scheme", "summary": "Axolotl fostering for everyone."},
    ).json()
    assert all(s["slug"] != "leeds-axolotl-fostering-scheme" for s in found["similar"])
    assert "neglect" not in {t["value"] for t in found["themes"]}


def test_a_close_copy_of_a_published_case_study_is_warned_about(
    client: TestClient, keys: Keys
) -> None:
    copy = make_draft(
        title="Recruiting foster carers for teenagers",
        summary="Somerset ran a campaign to recruit foster carers for teenagers in care.",
        body="## The challenge\n\nFamilies waited too long for help.\n\n## The solution\n\n"
        "A single team offered help at home.\n\n## The impact\n\nFamilies said the help "
        "came sooner.\n",
    )
    warnings = submit(client, keys.leeds, copy).json()["warnings"]
    (duplicate,) = [w for w in warnings if w["kind"] == "possible_duplicate"]
    assert duplicate["slug"] == "south-fostering"
    assert "south-fostering" in duplicate["detail"]
    fresh = submit(client, keys.leeds, make_draft()).json()["warnings"]
    assert fresh == []


# -- analytics and coverage -------------------------------------------------------------------


def test_queries_are_counted_with_zero_result_ones_apart(client: TestClient, keys: Keys) -> None:
    for q in ("fostering", "Fostering ", "fostering", "unicorn therapy", "apprenticeships"):
        client.get("/api/v1/search", params={"q": q})
    client.get("/api/v1/search", params={"q": "fostering", "page": 2})  # paging is not a search
    client.get("/api/v1/search", params={"q": "call 07700 900123"})  # personal data: not kept
    report = client.get("/api/v1/analytics/queries", headers=auth(keys.moderator)).json()
    top = {row["query"]: row["searches"] for row in report["top"]}
    assert top == {"fostering": 3, "unicorn therapy": 1, "apprenticeships": 1}
    assert report["zero_results"] == [
        {"query": "unicorn therapy", "searches": 1, "zero_results": 1}
    ]
    assert report["searches"] == 5 and report["zero_result_searches"] == 1
    assert "07700" not in str(report)


# What a parent or an officer pastes into a search box that points at one person, in the forms
# the safeguarding check (written for case studies) did not know: none may be counted.
IDENTIFYING = [
    "NI AB123456C",  # a National Insurance number
    "nhs 943 476 5919",  # an NHS number
    "UPN A123456789012",  # a unique pupil number
    "jo.bloggs(at)leeds.gov.uk",
    "jo.bloggs @ leeds.gov.uk",
    "jo_bloggs@hotmail",
    "@jobloggs",
    "ls6 2qt",  # a postcode as typed on a phone
    "sw1a1aa",
    # with a character that shows nothing, or full-width, inside: each was counted
    "jo.bloggs\uff20leeds.gov.uk",
    "NI AB\u200b123456C",
    "943\u200b476\u200b5919",
    "ls6\u200b 2qt",
    "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",  # a phone number
]


def test_searches_that_identify_someone_are_never_counted(client: TestClient, keys: Keys) -> None:
    for q in [*IDENTIFYING, "fostering 2018 2019", "under 5s"]:
        client.get("/api/v1/search", params={"q": q})
    report = client.get("/api/v1/analytics/queries", headers=auth(keys.moderator)).json()
    assert {row["query"] for row in report["top"]} == {"fostering 2018 2019", "under 5s"}
    assert report["searches"] == 2


def test_counts_written_in_several_flushes_add_up(client: TestClient, keys: Keys) -> None:
    """Each report flushes the counts waiting in memory: a query's row for the day is made by
    the first flush and added to by the next ones (one upsert a flush, on both databases)."""
    rounds = [["fostering", "unicorn therapy"], ["fostering", "Fostering"], ["unicorn therapy"]]
    for searches in rounds:
        for q in searches:
            client.get("/api/v1/search", params={"q": q})
        report = client.get("/api/v1/analytics/queries", headers=auth(keys.moderator)).json()
    assert {row["query"]: row["searches"] for row in report["top"]} == {
        "fostering": 3,
        "unicorn therapy": 2,
    }
    assert report["zero_results"] == [
        {"query": "unicorn therapy", "searches": 2, "zero_results": 2}
    ]
    assert report["searches"] == 5 and report["zero_result_searches"] == 2


def test_analytics_are_for_moderators_only(client: TestClient, keys: Keys) -> None:
    for path in ("/api/v1/analytics/queries", "/api/v1/analytics/coverage"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=auth(keys.leeds)).status_code == 403
    bad = client.get("/api/v1/analytics/queries?days=0", headers=auth(keys.moderator))
    assert bad.status_code == 422


def test_the_coverage_matrix_counts_published_case_studies_only(
    client: TestClient, keys: Keys
) -> None:
    submit(client, keys.leeds, make_draft(priority_areas=["what-works"], age_bands=["0-5"]))
    report = client.get("/api/v1/analytics/coverage", headers=auth(keys.moderator)).json()
    assert report["published"] == 6
    assert [b["slug"] for b in report["age_bands"]] == ["0-5", "5-11", "11-16", "16-25"]
    rows = {
        r["priority_area"]: {c["age_band"]: c["count"] for c in r["counts"]}
        for r in report["priority_area_by_age_band"]
    }
    # Sample collection: early-help is on east-early-years (0-5), north-family-support (5-11)
    # and london-exploitation (11-16, 16-25).
    assert rows["early-help"] == {"0-5": 1, "5-11": 1, "11-16": 1, "16-25": 1}
    assert rows["what-works"] == {"0-5": 0, "5-11": 0, "11-16": 1, "16-25": 1}
    themes = {t["slug"]: t["count"] for t in report["themes"]}
    assert themes["fostering"] == 1 and themes["neglect"] == 0
    assert report["themes"][0]["count"] == 0  # thinnest first
    assert all(cell["count"] == 0 for cell in report["thinnest"])


# -- the round trip ---------------------------------------------------------------------------


def test_exported_submissions_load_back_as_the_same_records(
    client: TestClient,
    keys: Keys,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = submit(client, keys.leeds, make_draft()).json()
    post(client, keys.moderator, f"/api/v1/moderation/{record['id']}/publish")
    unpublished = submit(client, keys.york, make_draft(council="City of York Council")).json()

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INDEX_DIR", str(settings.index_dir))
    out = tmp_path / "exported"
    result = CliRunner().invoke(cli, ["export", str(out)])
    assert result.exit_code == 0, result.output
    files = {p.stem for p in out.glob("*.md")}
    assert record["slug"] in files and unpublished["slug"] not in files
    assert len(files) == 7

    studies, problems = read_collection(out)
    assert problems == []
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    init_db(fresh)
    load_collection(fresh, studies)
    with Session(fresh) as copy, Session(client.app.state.engine) as original:  # type: ignore[attr-defined]
        for slug in files:
            again = store.find_case_study(copy, slug)
            first = store.find_case_study(original, slug)
            assert again is not None and first is not None
            assert store.to_file(again) == store.to_file(first)
    reloaded = CliRunner().invoke(cli, ["load", str(out)])
    assert "Nothing changed" in reloaded.output
