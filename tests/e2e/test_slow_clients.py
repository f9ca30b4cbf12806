"""At the connection, against a real server (`python -m app`) and raw sockets (issue #15,
finding 18): a request that does not arrive in full in time is cut off, and X-Forwarded-For
counts only from the proxies the operator names. Every wait here is bounded."""

import http.client
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.collection import write_collection
from testkit.factories import sample_collection
from testkit.servers import service
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e

TIMEOUT = 2.0  # REQUEST_TIMEOUT_SECONDS for these servers
# Seconds a held connection may last before the test fails: the server's clock fires at TIMEOUT,
# later by however long a loaded machine (CI runs at a load of about 10) delays a timer: the
# old bound of 4 s left it 3. Without the deadline a connection is held for ever (bare
# uvicorn: past 12 s, measured). Under the default REQUEST_TIMEOUT_SECONDS (20 s), so that a
# server that ignored its setting would fail too.
CUT_OFF_WITHIN = 12.0


def small(tmp: Path) -> dict[str, str]:
    """A small collection, so that the server starts in a moment."""
    write_collection(tmp / "collection", sample_collection())
    return {"DATA_DIR": str(tmp / "collection")}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare
) -> Iterator[tuple[str, Path]]:
    """The module's server (`python -m app`), and its log."""
    tmp = tmp_path_factory.mktemp("slow")
    env = {**small(tmp), "RATE_LIMIT": "off", "REQUEST_TIMEOUT_SECONDS": str(TIMEOUT)}
    with service(tmp, env, prepare=seeded_server) as url:
        yield url, tmp / "server.log"


@pytest.fixture(scope="module")
def base(served: tuple[str, Path]) -> str:
    return served[0]


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=0.2)
    return sock


def held_for(sock: socket.socket, trickle: bytes) -> float:
    """Send trickle a byte every 0.2 s; return how long the server kept the connection (it
    fails the test past CUT_OFF_WITHIN)."""
    started = time.monotonic()
    with sock:
        for byte in trickle:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(65536) == b"":
                    return time.monotonic() - started
            except TimeoutError:  # nothing to read yet: still held
                pass
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - started
            assert time.monotonic() - started < CUT_OFF_WITHIN, "the connection is still held"
    raise AssertionError("the trickle ended before the server cut it off")


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(base: str) -> None:
    sock = connect(base)
    sock.sendall(b"GET /api/v1/search?q=care HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert held_for(sock, b"X-Slow: " + b"a" * 100) < CUT_OFF_WITHIN


def test_a_body_sent_a_byte_at_a_time_is_cut_off(base: str) -> None:
    sock = connect(base)
    sock.sendall(
        b"POST /api/v1/submissions/suggest-tags HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    )
    assert held_for(sock, b"{" + b" " * 200) < CUT_OFF_WITHIN


def test_a_silent_connection_is_closed(base: str) -> None:
    sock = connect(base)
    sock.settimeout(CUT_OFF_WITHIN)
    with sock:
        assert sock.recv(1) == b""  # closed by the server, not by our timeout


def test_a_keep_alive_client_is_served_again_and_again(base: str) -> None:
    """Requests on one connection, each sent a moment after the last answer, are all served
    for longer than TIMEOUT in all: the deadline runs from the previous answer, not from the
    connection's start. http.client, unlike httpx, does not quietly open a new connection
    when the server has closed the old one: a closed one fails the next request."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.connect()
        opened, sock = time.monotonic(), connection.sock
        while time.monotonic() - opened < 2 * TIMEOUT:
            # A gap of a tenth of TIMEOUT: only a pause of over 1.8 s, on the test's side,
            # between an answer and the next request would let the deadline pass.
            time.sleep(TIMEOUT / 10)
            connection.request("GET", "/api/v1/search?q=care")
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200
            assert connection.sock is sock, "the server closed the connection"
    finally:
        connection.close()


def addresses_counted(tmp: Path, env: dict[str, str], prepare: ServerPrepare) -> list[int]:
    """Four requests from 127.0.0.1, each naming a different client in X-Forwarded-For, under
    a limit of three a minute per address."""
    with service(tmp, {**small(tmp), **env, "RATE_LIMIT": "3/minute"}, prepare=prepare) as url:
        return [
            httpx.get(
                f"{url}/api/v1/vocabulary",
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
                timeout=30,
            ).status_code
            for n in range(4)
        ]


def test_x_forwarded_for_is_not_trusted_by_default(
    tmp_path: Path, seeded_server: ServerPrepare
) -> None:
    assert addresses_counted(tmp_path, {}, seeded_server) == [200, 200, 200, 429]


def test_x_forwarded_for_is_trusted_from_the_proxies_named(
    tmp_path: Path, seeded_server: ServerPrepare
) -> None:
    assert (
        addresses_counted(tmp_path, {"FORWARDED_ALLOW_IPS": "127.0.0.1"}, seeded_server)
        == [200] * 4
    )


def test_a_service_started_without_its_deadlines_says_so(
    tmp_path: Path, seeded_server: ServerPrepare, served: tuple[str, Path]
) -> None:
    """`uvicorn app.main:app` holds a head or body sent a byte at a time, and a silent
    connection, for ever, and believes X-Forwarded-For from 127.0.0.1 (measured: all held past
    12 s). The service cannot cut them off from inside the app, so it says so in its log;
    started as `python -m app` (the module's server, whose log this reads), it does not."""
    env = {**small(tmp_path), "RATE_LIMIT": "off"}
    (tmp_path / "bare").mkdir()
    with service(tmp_path / "bare", env, bare=True, prepare=seeded_server):
        pass
    bare = (tmp_path / "bare" / "server.log").read_text()
    own = served[1].read_text()
    assert "without `python -m app`" in bare
    assert "without `python -m app`" not in own
