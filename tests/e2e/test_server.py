"""A real uvicorn on 127.0.0.1 serving the bundled collection, searched over the network."""

from collections.abc import Iterator

import httpx
import pytest

from app.config import ROOT
from testkit.servers import service

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with service(tmp_path_factory.mktemp("server")) as base:
        yield base


def test_fresh_start_serves_the_bundled_collection(server: str) -> None:
    body = httpx.get(f"{server}/api/v1/search", timeout=30).json()
    files = list((ROOT / "data" / "case_studies").glob("*.md"))
    assert body["total"] == len(files) >= 90


def test_search_over_the_network(server: str) -> None:
    response = httpx.get(
        f"{server}/api/v1/search", params={"q": "Mockingbird", "per_page": 3}, timeout=30
    )
    assert response.status_code == 200
    first = response.json()["results"][0]
    detail = httpx.get(first["url"], timeout=30).json()
    assert "Mockingbird" in detail["body"] + detail["summary"] + detail["title"]


def test_errors_over_the_network_are_problems(server: str) -> None:
    response = httpx.get(f"{server}/api/v1/search", params={"theme": "nope"}, timeout=30)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
