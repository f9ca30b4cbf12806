"""Real servers on 127.0.0.1 for end-to-end and browser tests: the service under uvicorn, and
a plain static server that plays another website (a second origin)."""

import contextlib
import functools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Protocol

import httpx

from app.config import ROOT
from testkit import forks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def service(
    tmp: Path,
    env: dict[str, str] | None = None,
    port: int | None = None,
    workers: int = 1,
    ready: str = "/healthz",
    timeout: float = 240,  # a poll: a loaded machine has taken over a minute to start one
    bare: bool = False,  # `uvicorn app.main:app` on its own, as some platforms start it
    prepare: Callable[[Mapping[str, str]], None] | None = None,
) -> Iterator[str]:
    """The service (`python -m app`: uvicorn with our protocol and options) with its own store
    and index in tmp; yields the base URL once `ready` answers 200. `prepare` is called with
    the server's environment before it starts (the tests' `seeded_server` puts a seeded store
    and index where it will look)."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
        "INDEX_DIR": str(tmp / "index"),
        "OUTBOX_DIR": str(tmp / "outbox"),  # not var/outbox, which every test run would share
        **(env or {}),
    }
    if prepare:
        prepare(environment)
    module, argv = ("uvicorn", ["app.main:app"]) if bare else ("app", [])  # as production runs
    argv += ["--host", "127.0.0.1", "--workers", str(workers)]
    deadline = time.monotonic() + timeout
    with (tmp / "server.log").open("w") as log:
        # A port chosen here is only free when chosen: another test process may take it before
        # the server binds it (a start takes seconds), and then the server is started again on
        # another. A port the caller gave is the caller's to keep.
        for attempt in range(3):
            chosen = port or free_port()
            process = _start(module, [*argv, "--port", str(chosen)], environment, tmp, log)
            base = f"http://127.0.0.1:{chosen}"
            try:
                if _ready(process, f"{base}{ready}", deadline, tmp / "server.log", timeout):
                    break
            except BaseException:
                _stop(process)
                raise
            _stop(process)
            assert port is None and attempt < 2, (tmp / "server.log").read_text()
        try:
            yield base
        finally:
            _stop(process)


def _start(
    module: str, argv: list[str], environment: dict[str, str], tmp: Path, log: IO[str]
) -> "_Process":
    if _forked:
        return _Forked(forks.start(module, argv, environment, ROOT, tmp / "server.log"))
    return subprocess.Popen(
        [sys.executable, "-m", module, *argv],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _ready(process: "_Process", url: str, deadline: float, log: Path, timeout: float) -> bool:
    """Poll until url answers 200 (True), or the server has stopped because its port was taken
    (False); fail if it stops for anything else or does not start by the deadline."""
    # One client for the whole wait: httpx.get makes a client (and its TLS context) per
    # call, ~50 ms of CPU each, which over a start of a minute on a loaded machine was
    # seconds of the test process's CPU per server.
    with httpx.Client(timeout=1) as poll:
        while True:
            if process.poll() is not None:
                output = log.read_text()
                assert "address already in use" in output.lower(), output
                return False
            try:
                if poll.get(url).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"server did not start in {timeout:.0f} s"
            time.sleep(0.2)


def _stop(process: "_Process") -> None:
    process.terminate()
    process.wait(60)  # a loaded machine takes seconds to stop a server with workers


_forked = False


def fork_servers() -> None:
    """Start every later server of this process by forking it from a process that has already
    imported the service (testkit/forks.py), not as a new interpreter: the test suite's choice
    (tests/app_fixtures.py). bench/ and docs/ keep new interpreters, whose start they measure."""
    global _forked
    _forked = True


class _Process(Protocol):
    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def wait(self, timeout: float) -> int: ...


class _Forked:
    """A forked server, with the parts of Popen's interface that service() uses."""

    def __init__(self, process: BaseProcess) -> None:
        self._process = process

    def poll(self) -> int | None:
        return self._process.exitcode

    def terminate(self) -> None:
        self._process.terminate()

    def wait(self, timeout: float) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(f"server {self._process.pid}", timeout)
        return self._process.exitcode


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def static_site(folder: Path, port: int | None = None) -> Iterator[str]:
    """Serve a folder of files over HTTP on 127.0.0.1: another website, on another origin."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
