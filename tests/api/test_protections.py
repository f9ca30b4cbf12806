"""Operations that an operator can lock down (issue #15, finding 18): /metrics behind a token,
HSTS when the service is reached over HTTPS."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from testkit.factories import sample_collection
from tests.seeded import Prepare

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def locked(prepare_store: Prepare, settings: Settings) -> Iterator[TestClient]:
    prepare_store(settings, sample_collection())
    changes = {"metrics_token": TOKEN, "hsts_seconds": 31536000}
    with TestClient(create_app(settings.model_copy(update=changes))) as client:
        yield client


def test_metrics_need_the_token_when_one_is_set(locked: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = locked.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert "METRICS_TOKEN" in refused.json()["detail"]
        assert "bf_http_requests" not in refused.text
    allowed = locked.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert "bf_http_requests_total" in allowed.text
    assert locked.get("/healthz").status_code == 200  # probes need no token


def test_metrics_stay_open_without_a_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 200
    assert "strict-transport-security" not in client.get("/healthz").headers


def test_hsts_when_asked_for(locked: TestClient) -> None:
    for path in ("/", "/api/v1/search", "/healthz", "/nowhere"):
        assert locked.get(path).headers["strict-transport-security"] == "max-age=31536000"


def test_operations_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        Settings(metrics_token="short")
    assert Settings(metrics_token=" ").metrics_token is None
    assert Settings(forwarded_allow_ips="10.0.0.1, 10.1.0.0/16").forwarded_allow_ips == [
        "10.0.0.1",
        "10.1.0.0/16",
    ]
    with pytest.raises(ValueError):
        Settings(request_timeout_seconds=0)
