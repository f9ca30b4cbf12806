"""Related case studies and type-ahead suggestions, through HTTP."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from testkit.factories import make_case_study
from tests.app_fixtures import MakeClient


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def collection(make_module_client: MakeClient) -> TestClient:
    """One app over these case studies for the whole module: every test here only reads."""
    studies = [
        make_case_study(
            slug="fostering-teens",
            title="Foster carers for teenagers",
            council="North Tyneside Council",
            summary="North Tyneside recruited foster carers for teenagers through a campaign.",
            themes=["fostering", "adolescents"],
            programme="Mockingbird (Fostering Network; Hub Homes)",
        ),
        make_case_study(
            slug="fostering-recruitment",
            title="A foster carer recruitment campaign",
            council="Somerset Council",
            summary="Somerset ran a campaign to recruit foster carers for older children.",
            themes=["fostering"],
        ),
        make_case_study(
            slug="fostering-tagged-only",
            title="Support at home",
            council="Essex County Council",
            summary="Essex supported families at home to prevent breakdown.",
            themes=["fostering"],
        ),
        make_case_study(
            slug="unrelated",
            title="School readiness checks",
            council="Worcestershire County Council",
            summary="Worcestershire checked toddlers' speech before they started school.",
            themes=["school-readiness"],
            age_bands=["0-5"],
            priority_areas=["outcomes-focus"],
        ),
        make_case_study(
            slug="draft-fostering",
            title="Fosterling draft about foster carers for teenagers",
            council="Sevenoaks District Council",
            summary="An unpublished draft about recruiting foster carers for teenagers.",
            themes=["fostering", "adolescents"],
            programme="Fosterwell Secret Programme",
            status="submitted",
        ),
    ]
    return make_module_client(studies)


def related(client: TestClient, slug: str, **params: Any) -> list[str]:
    body = get(client, f"/api/v1/case-studies/{slug}/related", **params)
    assert body["slug"] == slug
    return [r["slug"] for r in body["results"]]


def test_related_ranks_the_most_similar_first_and_never_itself(collection: TestClient) -> None:
    found = related(collection, "fostering-teens")
    assert found[0] == "fostering-recruitment"
    assert "fostering-teens" not in found
    assert found.index("fostering-tagged-only") < found.index("unrelated")


def test_related_never_shows_unpublished_case_studies(collection: TestClient) -> None:
    assert "draft-fostering" not in related(collection, "fostering-teens", limit=20)
    response = collection.get("/api/v1/case-studies/draft-fostering/related")
    assert response.status_code == 404


def test_related_results_are_full_result_cards(collection: TestClient) -> None:
    body = get(collection, "/api/v1/case-studies/fostering-teens/related", limit=1)
    assert len(body["results"]) == 1
    card = body["results"][0]
    assert card["url"].endswith("/api/v1/case-studies/fostering-recruitment")
    assert card["themes"] == ["fostering"]


def suggest(client: TestClient, q: str, **params: Any) -> list[tuple[str, str]]:
    body = get(client, "/api/v1/suggest", q=q, **params)
    assert body["q"] == q
    return [(s["kind"], s["text"]) for s in body["suggestions"]]


def test_suggest_completes_themes_programmes_councils_and_titles(collection: TestClient) -> None:
    found = suggest(collection, "fos")
    assert found[0] == ("theme", "Fostering")
    assert ("programme", "Fostering Network") in found
    assert ("case_study", "Foster carers for teenagers") in found
    assert ("council", "North Tyneside Council") in suggest(collection, "north")
    assert ("programme", "Mockingbird") in suggest(collection, "Mock")


def test_suggest_matches_word_starts_only(collection: TestClient) -> None:
    assert ("case_study", "A foster carer recruitment campaign") in suggest(collection, "recru")
    assert suggest(collection, "ster") == []  # inside a word


def test_suggest_each_leads_to_a_search(collection: TestClient) -> None:
    body = get(collection, "/api/v1/suggest", q="fostering", limit=1)
    (first,) = body["suggestions"]
    assert first["kind"] == "theme" and first["value"] == "fostering" and first["count"] == 3
    follow = collection.get(first["url"]).json()
    assert follow["total"] == 3


def test_suggest_never_shows_unpublished_words(collection: TestClient) -> None:
    for prefix in ("fosterl", "fosterw", "secret", "sevenoaks"):
        assert suggest(collection, prefix) == []


def test_suggest_respects_the_limit(collection: TestClient) -> None:
    assert len(suggest(collection, "f", limit=2)) == 2


@pytest.mark.parametrize("q", ["*", "\x00", '"', "((", "fos AND", "ü", "🙂"])
def test_suggest_takes_anything_typed(collection: TestClient, q: str) -> None:
    get(collection, "/api/v1/suggest", q=q)
