"""Operating the service: liveness, readiness, metrics, request ids, JSON logs, rate limits."""

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.services.indexing import catch_up
from app.store.db import make_engine
from app.store.models import ChangeLog
from testkit.factories import make_draft, sample_collection
from tests.api.conftest import Keys, auth, submit
from tests.seeded import Prepare


def started(prepare_store: Prepare, settings: Settings, **changes: object) -> TestClient:
    prepare_store(settings, sample_collection())
    return TestClient(create_app(settings.model_copy(update=changes)))


def test_healthz_and_readyz_answer_when_all_is_well(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["store"] == "ok"
    assert body["index"]["documents"] == 6 and body["index"]["pending_changes"] == 0


def test_readyz_is_503_while_the_index_is_behind(
    prepare_store: Prepare, settings: Settings
) -> None:
    quiet = {"index_sync_seconds": 3600}  # no background catching up
    with started(prepare_store, settings, **quiet) as client:
        app = client.app
        with Session(app.state.engine) as session:  # type: ignore[attr-defined]
            session.add(
                ChangeLog(slug="north-care-leavers", at=datetime.now(UTC) - timedelta(minutes=1))
            )
            session.commit()
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.headers["content-type"] == "application/problem+json"
        assert behind.json()["index"]["pending_changes"] == 1
        assert "Retry-After" in behind.headers
        state = app.state  # type: ignore[attr-defined]
        catch_up(state.engine, state.search.index, state.vocabulary)
        assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_store_is_unreachable(client: TestClient) -> None:
    state = client.app.state  # type: ignore[attr-defined]
    working = state.engine
    state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/nowhere")
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "store: unreachable" in response.json()["detail"]
    finally:
        state.engine.dispose()
        state.engine = working


def test_metrics_count_requests_searches_and_the_index(client: TestClient) -> None:
    client.get("/api/v1/search", params={"q": "fostering"})
    client.get("/api/v1/search", params={"q": "zzzqqq"})
    client.get("/api/v1/case-studies/nope")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'bf_http_requests_total{method="GET",route="/api/v1/search",status="200"} 2.0' in text
    assert (
        'bf_http_requests_total{method="GET",route="/api/v1/case-studies/{slug}",status="404"} 1.0'
        in text
    )
    assert 'bf_http_request_duration_seconds_count{method="GET",route="/api/v1/search"} 2.0' in text
    assert "bf_searches_total 2.0" in text
    assert "bf_zero_result_searches_total 1.0" in text
    assert "bf_index_documents 6.0" in text
    assert "bf_index_lag_changes 0.0" in text


def test_a_search_answered_from_its_kept_page_is_counted_as_any_other(client: TestClient) -> None:
    """The kept page is answered before the search reaches a thread (SQLite; issue 19): it is
    still counted, timed and given the same answer, and a changed search is not mistaken for
    it."""
    first = client.get("/api/v1/search", params={"q": "fostering"})
    again = [client.get("/api/v1/search", params={"q": "fostering"}) for _ in range(2)]
    assert all(r.content == first.content for r in again)
    assert all(r.headers["etag"] == first.headers["etag"] for r in again)
    other = client.get("/api/v1/search", params={"q": "fostering", "per_page": 1})
    assert other.json()["per_page"] == 1
    text = client.get("/metrics").text
    assert 'bf_http_requests_total{method="GET",route="/api/v1/search",status="200"} 4.0' in text
    assert "bf_searches_total 4.0" in text


def test_every_response_has_a_request_id(client: TestClient) -> None:
    made = client.get("/api/v1/search").headers["x-request-id"]
    assert len(made) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "lb-123.abc"}).headers["x-request-id"]
        == "lb-123.abc"
    )
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>" * 20})
    assert odd.headers["x-request-id"] != "<script>" * 20


@pytest.fixture
def log_lines(client: TestClient) -> Iterator[io.StringIO]:
    """What the service logs, as it would reach stdout, in JSON."""
    from app.web.observability import configure_logging

    configure_logging("info", "json")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_bright_futures", False))
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    handler.setStream(previous)  # type: ignore[attr-defined]


def test_logs_are_json_with_the_request_id_and_no_query_or_key(
    client: TestClient, keys: Keys, log_lines: io.StringIO
) -> None:
    response = client.get("/api/v1/search", params={"q": "secret words"})
    submit(client, keys.leeds, make_draft())
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    search = next(r for r in records if r.get("route") == "/api/v1/search")
    assert search["request_id"] == response.headers["x-request-id"]
    assert search["status"] == 200 and search["method"] == "GET" and search["duration_ms"] >= 0
    assert {"time", "level", "logger", "message"} <= search.keys()
    # What the service logged (the test's own HTTP client logs its URLs too).
    service = [
        line
        for line in log_lines.getvalue().splitlines()
        if not re.search(r'"logger": "httpx2?"', line)  # the test client's own log
    ]
    everything = "\n".join(service)
    assert "secret" not in everything
    assert keys.leeds not in everything


def test_public_requests_are_limited_per_address(
    prepare_store: Prepare, settings: Settings
) -> None:
    with started(prepare_store, settings, rate_limit="3/minute") as client:
        assert [client.get("/api/v1/search").status_code for _ in range(3)] == [200] * 3
        refused = client.get("/api/v1/search")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "3 per 1 minute" in refused.json()["detail"]
        assert client.get("/healthz").status_code == 200  # never limited
        assert client.get("/readyz").status_code == 200


def test_writes_are_limited_per_key(prepare_store: Prepare, settings: Settings) -> None:
    from app.store.keys import create_key

    with started(
        prepare_store, settings, rate_limit="100/minute", write_rate_limit="2/minute"
    ) as client:
        with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
            leeds = create_key(session, "council", "Leeds City Council")[1]
            admin = create_key(session, "admin")[1]
        codes = [submit(client, leeds, make_draft()).status_code for _ in range(3)]
        assert codes == [201, 201, 429]
        assert submit(client, admin, make_draft()).status_code == 201  # another key
        assert client.get("/api/v1/submissions", headers=auth(leeds)).status_code == 200


def test_rate_limit_settings_are_checked() -> None:
    assert not Settings(rate_limit="off").rate_limited
    with pytest.raises(ValueError, match="120/minute"):
        Settings(rate_limit="lots")


def test_the_search_cache_can_be_turned_off(prepare_store: Prepare, settings: Settings) -> None:
    with started(prepare_store, settings, search_cache_mb=0) as client:
        first = client.get("/api/v1/search", params={"q": "fostering"}).json()
        assert client.get("/api/v1/search", params={"q": "fostering"}).json() == first
        assert len(client.app.state.search._cache) == 0  # type: ignore[attr-defined]
