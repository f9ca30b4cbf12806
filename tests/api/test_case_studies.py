"""Case study detail and the vocabulary, through HTTP."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from testkit.factories import BODY, make_case_study, sample_collection


@pytest.fixture(scope="module")
def client(reader: TestClient) -> TestClient:
    """The tests that take `client` only read: one app per module and database."""
    return reader


def test_detail_returns_the_whole_record(client: TestClient) -> None:
    response = client.get("/api/v1/case-studies/north-care-leavers")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "north-care-leavers"
    assert body["outcomes"] == ["Most apprentices stayed in work"]
    assert body["body"].startswith("## The challenge")
    assert "<h2>The challenge</h2>" in body["body_html"]
    assert body["url"] == "http://testserver/api/v1/case-studies/north-care-leavers"


def test_body_html_is_sanitised(make_client: Any) -> None:
    hostile = BODY.format(
        challenge="<script>alert(1)</script> and <img src=x onerror=alert(2)>",
        solution="[click](javascript:alert(3)) and [source](https://example.org)",
        impact="Fine.",
    )
    with make_client([make_case_study(body=hostile)]) as client:
        found = client.get("/api/v1/case-studies/example-family-support").json()
    for text in (found["body"], found["body_html"]):
        for bad in ("<script", "alert(1)", "<img", "onerror", "javascript:"):
            assert bad not in text
    assert "click and" in found["body_html"]  # the link's text stays
    assert '<a href="https://example.org"' in found["body_html"]


def test_unknown_slug_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/case-studies/no-such-case-study")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "no-such-case-study" in response.json()["detail"]


def test_unpublished_case_studies_are_hidden_everywhere(make_client: Any) -> None:
    hidden = make_case_study(
        slug="draft-fostering",
        title="Draft fostering idea",
        status="submitted",
        themes=["fostering"],
    )
    with make_client([*sample_collection(), hidden]) as client:
        assert client.get("/api/v1/case-studies/draft-fostering").status_code == 404
        found = client.get("/api/v1/search", params={"q": "draft fostering"}).json()
        assert "draft-fostering" not in [r["slug"] for r in found["results"]]
        themes = {t["slug"]: t["count"] for t in client.get("/api/v1/vocabulary").json()["themes"]}
        assert themes["fostering"] == 1


def test_vocabulary_counts_published_case_studies(client: TestClient) -> None:
    vocabulary = client.get("/api/v1/vocabulary").json()
    assert set(vocabulary) == {"priority_areas", "age_bands", "themes", "regions", "evidence"}
    areas = {t["slug"]: t["count"] for t in vocabulary["priority_areas"]}
    assert len(areas) == 7 and areas["early-help"] == 3 and areas["local-leadership"] == 0
    bands = {t["slug"]: t["count"] for t in vocabulary["age_bands"]}
    assert bands == {"0-5": 2, "5-11": 2, "11-16": 3, "16-25": 2}
    regions = {t["slug"]: t["count"] for t in vocabulary["regions"]}
    assert regions["north-east"] == 2
    assert vocabulary["themes"][0].keys() == {"slug", "label", "description", "count"}


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
