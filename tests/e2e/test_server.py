"""A real uvicorn on 127.0.0.1 serving the bundled collection, searched over the network."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import ROOT

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
        "INDEX_DIR": str(tmp / "index"),
    }
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp / "server.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def test_fresh_start_serves_the_bundled_collection(server: str) -> None:
    body = httpx.get(f"{server}/api/v1/search").json()
    files = list((ROOT / "data" / "case_studies").glob("*.md"))
    assert body["total"] == len(files) >= 90


def test_search_over_the_network(server: str) -> None:
    response = httpx.get(f"{server}/api/v1/search", params={"q": "Mockingbird", "per_page": 3})
    assert response.status_code == 200
    first = response.json()["results"][0]
    detail = httpx.get(first["url"]).json()
    assert "Mockingbird" in detail["body"] + detail["summary"] + detail["title"]


def test_errors_over_the_network_are_problems(server: str) -> None:
    response = httpx.get(f"{server}/api/v1/search", params={"theme": "nope"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
