"""One error shape for every kind of error: application/problem+json (RFC 9457)."""

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("GET", "/no/such/route", 404),
    ("GET", "/api/v1/case-studies/unknown", 404),
    ("GET", "/api/v1/search?theme=unknown", 422),
    ("GET", "/api/v1/search?per_page=1000", 422),
    ("POST", "/api/v1/search", 405),
    ("GET", "/api/v1/case-studies/unknown/related", 404),
    ("GET", "/api/v1/case-studies/north-care-leavers/related?limit=0", 422),
    ("GET", "/api/v1/suggest", 422),
    ("GET", "/api/v1/suggest?q=", 422),
    ("GET", "/api/v1/suggest?q=" + "x" * 101, 422),
    ("GET", "/api/v1/suggest?q=fos&limit=21", 422),
]


@pytest.mark.parametrize(("method", "path", "status"), CASES)
def test_every_error_is_a_problem(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= problem.keys()
    assert problem["status"] == status
    assert problem["instance"] == path.split("?")[0]
    assert problem["detail"]


def test_validation_errors_point_at_the_parameter(client: TestClient) -> None:
    problem = client.get("/api/v1/search?per_page=1000").json()
    assert problem["errors"] == [
        {
            "detail": "per_page: Input should be less than or equal to 50",
            "pointer": "#/query/per_page",
        }
    ]


def test_unexpected_errors_reveal_nothing(client: TestClient) -> None:
    def broken() -> None:
        raise RuntimeError("secret internals")

    client.app.add_api_route("/broken", broken)  # type: ignore[attr-defined]
    with TestClient(client.app, raise_server_exceptions=False) as other:
        response = other.get("/broken")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text
