"""Hostile clients against a real uvicorn: slow partial requests, huge headers, deeply nested
JSON, invalid UTF-8. Each is refused cleanly, and the service keeps answering everyone else."""

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from testkit.servers import service
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[str]:
    with service(
        tmp_path_factory.mktemp("hostile"), {"RATE_LIMIT": "off"}, prepare=seeded_server
    ) as url:
        yield url


def raw(base: str, data: bytes, timeout: float = 10) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
        return b"".join(chunks)


def answers(base: str) -> float:
    """Seconds a normal search takes (and that it succeeds)."""
    started = time.monotonic()
    response = httpx.get(f"{base}/api/v1/search", params={"q": "fostering"}, timeout=10)
    assert response.status_code == 200
    return time.monotonic() - started


def test_slow_partial_requests_do_not_block_others(base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    slow = []
    try:
        for _ in range(50):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(b"GET /api/v1/search?q=care HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(sock)
        for sock in slow:
            sock.sendall(b"a")  # still talking, never finishing
        assert answers(base) < 2
    finally:
        for sock in slow:
            sock.close()
    assert answers(base) < 2


def test_huge_headers_are_refused(base: str) -> None:
    reply = raw(
        base, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    )
    assert reply == b"" or reply.split(b" ")[1][:1] == b"4"
    assert answers(base) < 2


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        ('{"a":' * 50_000 + "1" + "}" * 50_000).encode(),
        b'{"title": "\xff\xfe invalid utf-8"}',
        b'{"title": "\\ud800 lone surrogate"}',
        b"\x00\x01\x02",
    ],
    ids=["nested-lists", "nested-objects", "invalid-utf8", "lone-surrogate", "binary"],
)
def test_unreadable_bodies_are_4xx_problems(base: str, body: bytes) -> None:
    response = httpx.post(
        f"{base}/api/v1/submissions/suggest-tags",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer bf_nobody"},
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"
    assert json.loads(response.content)["detail"]
    assert answers(base) < 2


@pytest.mark.parametrize(
    "target",
    [
        b"/api/v1/search?q=%ff%fe",
        b"/api/v1/search?q=%00",
        b"/api/v1/case-studies/%ff",
        b"/api/v1/search?theme=%c0%af",
        b"/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_odd_bytes_in_the_url_never_cause_a_server_error(base: str, target: bytes) -> None:
    reply = raw(
        base, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    status = int(reply.split(b" ")[1])
    assert status < 500
    assert answers(base) < 2


def test_a_request_body_larger_than_the_limit_is_refused_early(base: str) -> None:
    reply = raw(
        base,
        b"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{",
        timeout=5,
    )
    assert reply.split(b" ")[1] == b"413"
