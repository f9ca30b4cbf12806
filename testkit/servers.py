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
from typing import Protocol

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
    port = port or free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
        "INDEX_DIR": str(tmp / "index"),
        "OUTBOX_DIR": str(tmp / "outbox"),  # not var/outbox, which every test run would share
        **(env or {}),
    }
    if prepare:
        prepare(environment)
    log = (tmp / "server.log").open("w")
    module, argv = ("uvicorn", ["app.main:app"]) if bare else ("app", [])  # as production runs
    argv += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    process: _Process
    if _forked:
        process = _Forked(forks.start(module, argv, environment, ROOT, tmp / "server.log"))
    else:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *argv],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        # One client for the whole wait: httpx.get makes a client (and its TLS context) per
        # call, ~50 ms of CPU each, which over a start of a minute on a loaded machine was
        # seconds of the test process's CPU per server.
        with httpx.Client(timeout=1) as poll:
            while True:
                assert process.poll() is None, (tmp / "server.log").read_text()
                try:
                    if poll.get(f"{base}{ready}").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"server did not start in {timeout:.0f} s"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(15)
        log.close()


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
