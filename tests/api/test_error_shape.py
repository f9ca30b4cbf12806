"""One error shape for every kind of error: application/problem+json (RFC 9457).

Grouped by producer, as Datasette's contract test is: the exception handlers, the middleware
that answers before the app (400, 413, 431, 429), the key check (401, 429) and /readyz all give
the same shape."""

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.store.db import make_engine
from testkit.factories import make_draft, sample_collection
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, invite
from tests.api.conftest import Keys, auth
from tests.seeded import Prepare

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


def assert_problem(response: httpx.Response, status: int, path: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= problem.keys()
    assert problem["type"] == "about:blank"
    assert problem["status"] == status
    assert problem["instance"] == path.split("?")[0]
    assert problem["detail"] and problem["title"]


@pytest.mark.parametrize(("method", "path", "status"), CASES)
def test_every_error_is_a_problem(client: TestClient, method: str, path: str, status: int) -> None:
    assert_problem(client.request(method, path), status, path)


def test_domain_errors_are_problems(client: TestClient, keys: Keys) -> None:
    """401, 403 and 409 come from the plain exceptions of app.core.errors."""
    assert_problem(client.get("/api/v1/submissions"), 401, "/api/v1/submissions")
    queue = "/api/v1/moderation/queue"
    assert_problem(client.get(queue, headers=auth(keys.leeds)), 403, queue)
    record = client.post("/api/v1/submissions", json=make_draft(), headers=auth(keys.leeds))
    path = f"/api/v1/moderation/{record.json()['id']}/unpublish"
    conflict = client.post(path, json={"reason": "not yet"}, headers=auth(keys.moderator))
    assert_problem(conflict, 409, path)


def test_middleware_refusals_are_problems(prepare_store: Prepare, settings: Settings) -> None:
    """413 and 431 (body limit) and 429 (rate limit) answer before the app sees the request."""
    prepare_store(settings, sample_collection())
    limited = settings.model_copy(update={"rate_limit": "2/minute", "max_body_bytes": 100})
    with TestClient(create_app(limited)) as client:
        path = "/api/v1/submissions"
        assert_problem(client.post(path, content=b"x" * 200), 413, path)
        huge = {"X-Padding": "x" * 17_000}
        assert_problem(client.get("/api/v1/search", headers=huge), 431, "/api/v1/search")
        for _ in range(3):
            response = client.get("/api/v1/vocabulary")
        assert_problem(response, 429, "/api/v1/vocabulary")


def test_host_key_and_metrics_refusals_are_problems(
    prepare_store: Prepare, settings: Settings
) -> None:
    """400 for an untrusted Host (middleware), 429 for keys guessed too often (the key check),
    401 for /metrics without its token."""
    prepare_store(settings, sample_collection())
    changes = {
        "rate_limit": "100/minute",
        "write_rate_limit": "1/minute",
        "metrics_token": "m" * 16,
    }
    with TestClient(create_app(settings.model_copy(update=changes))) as client:
        search = "/api/v1/search"
        assert_problem(client.get(search, headers={"Host": "evil.example"}), 400, search)
        path = "/api/v1/submissions"
        for _ in range(2):
            response = client.post(path, json=make_draft(), headers=auth("bf_guess"))
        assert_problem(response, 429, path)
        assert_problem(client.get("/metrics"), 401, "/metrics")


def test_the_pages_of_signed_in_work_answer_with_problems(
    prepare_store: Prepare, settings: Settings, smtp: SmtpServer
) -> None:
    """401 (not signed in), 403 (no CSRF token; the wrong role), 404 (another council's),
    422 (a bad address) and 429 (too many links) from the account pages: problem+json for a
    client that asks for JSON, a plain-words page for a browser."""
    prepare_store(settings, sample_collection())
    mail = {"smtp_url": smtp.url, "public_url": "http://testserver", "sign_in_rate_limit": "1/hour"}
    with TestClient(create_app(settings.model_copy(update=mail))) as client:
        invite(client, "officer@leeds.example", "council", "Leeds City Council")
        officer = Person.at(client)
        officer.open_link(smtp.inbox.link_to("officer@leeds.example"))
        officer.confirm()
        json = {"accept": "application/json"}
        assert_problem(client.get("/my/submissions", headers=json), 401, "/my/submissions")
        assert_problem(client.post("/sign-out", headers=json), 403, "/sign-out")
        assert_problem(officer.client.get("/people", headers=json), 403, "/people")
        mine = "/my/submissions/999"
        assert_problem(officer.client.get(mine, headers=json), 404, mine)
        officer.get("/my/submissions")
        token = {"csrf_token": officer.token()}
        bad = officer.client.post("/sign-in", data={**token, "email": "no"}, headers=json)
        assert_problem(bad, 422, "/sign-in")
        assert bad.json()["errors"][0]["pointer"] == "#/email"
        for _ in range(2):
            many = officer.client.post(
                "/sign-in", data={**token, "email": "a@b.example"}, headers=json
            )
        assert_problem(many, 429, "/sign-in")
        for path in ("/my/submissions/999", "/people"):
            page = officer.get(path)
            assert page.headers["content-type"].startswith("text/html")
            assert page.status_code in (403, 404) and "<h1>" in page.text


def test_readiness_failure_is_a_problem(client: TestClient) -> None:
    state = client.app.state  # type: ignore[attr-defined]
    working = state.engine
    state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/nowhere")
    try:
        response = client.get("/readyz")
    finally:
        state.engine.dispose()
        state.engine = working
    assert_problem(response, 503, "/readyz")
    assert response.json()["store"].startswith("unreachable")


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
    # A second client on the app `client` started, not entered: entering it would run the
    # app's start-up again, whose threads the first client's exit would never stop.
    other = TestClient(client.app, raise_server_exceptions=False)
    response = other.get("/broken")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text
