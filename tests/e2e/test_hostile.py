"""Hostile clients against a real uvicorn: slow partial requests, huge headers, deeply nested
JSON, invalid UTF-8. Each is refused cleanly, and the service keeps answering everyone else.

No wall-clock bound: CI runs at a load of about 10, where an ordinary search has taken seconds.
"Keeps answering" is that a search is answered (within a generous client timeout); "not
blocked" is that it is answered while the slow clients are still held, which a server that
served them in turn could not do."""

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from testkit.servers import service
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e
HELD = 300  # seconds the module's server waits for a request to arrive in full
ANSWER_WITHIN = 60  # seconds a search may take (a loaded machine) before the client gives up


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[str]:
    # Slow clients are held for HELD seconds (REQUEST_TIMEOUT_SECONDS): far longer than any
    # search here may take, so that none is cut off while a search is still being answered.
    env = {"RATE_LIMIT": "off", "REQUEST_TIMEOUT_SECONDS": str(HELD)}
    with service(tmp_path_factory.mktemp("hostile"), env, prepare=seeded_server) as url:
        yield url


def raw(base: str, data: bytes, timeout: float = ANSWER_WITHIN) -> bytes:
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


def answers(base: str) -> bool:
    """Whether a normal search is answered, within ANSWER_WITHIN."""
    response = httpx.get(f"{base}/api/v1/search", params={"q": "fostering"}, timeout=ANSWER_WITHIN)
    return response.status_code == 200


def held(sock: socket.socket) -> bool:
    """Whether the server still holds the connection: nothing sent back, not closed."""
    sock.settimeout(0)  # look, without waiting
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True  # nothing to read yet
    except OSError:  # reset
        return False
    return False  # an answer, or closed


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
        assert answers(base)
        # Answered while every slow one is still held: not after they were cut off.
        assert all(held(sock) for sock in slow)
    finally:
        for sock in slow:
            sock.close()
    assert answers(base)


def test_huge_headers_are_refused(base: str) -> None:
    reply = raw(
        base, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    )
    assert reply == b"" or reply.split(b" ")[1][:1] == b"4"
    assert answers(base)


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
        timeout=30,
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"
    assert json.loads(response.content)["detail"]
    assert answers(base)


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
    assert answers(base)


def test_a_request_body_larger_than_the_limit_is_refused_early(base: str) -> None:
    reply = raw(
        base,
        b"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{",
    )  # the body never comes: a server that waited for it would hold this for HELD seconds
    assert reply.split(b" ")[1] == b"413"
