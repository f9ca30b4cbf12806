"""Servers forked from one process that has already imported the service, for the test suite.

`python -m app` spends most of its start importing (FastAPI, SQLAlchemy, Whoosh…) and loading
the meaning model: about 4 s of CPU a start, measured, and the suite starts over thirty. Here a
multiprocessing forkserver, started once per test process, imports all that once
(testkit/preload.py); each server is forked from it and then runs as `python -m app` (or
`python -m uvicorn …`) would, with its own environment, working folder, arguments and log.
app.main, which builds the app from the environment as it is imported, is imported afresh in
each. It is still a process of its own serving real HTTP. Only the tests use it
(tests/app_fixtures.py turns it on); bench/ and docs/ start servers as new interpreters, as
measured."""

import atexit
import multiprocessing
import multiprocessing.forkserver
import os
import runpy
import sys
from collections.abc import Mapping, Sequence
from multiprocessing.process import BaseProcess
from pathlib import Path

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["testkit.preload"])  # imported once, by the forkserver
# Stopped and waited for at exit (else it outlives the test process a moment, and the CPU of the
# servers it forked is not counted in the run's: `/usr/bin/time` of a run counts it so).
atexit.register(multiprocessing.forkserver._forkserver._stop)  # type: ignore[attr-defined]


def _serve(
    module: str, argv: Sequence[str], environment: Mapping[str, str], cwd: str, log: str
) -> None:
    """In the forked child: become `python -m <module> <argv>` with this environment."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environment)
    # A plain stdin on fd 0 (multiprocessing left one on another descriptor, which uvicorn's
    # spawned workers cannot open), and the log as stdout and stderr.
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, 0)
    os.close(empty)
    sys.stdin = open(0, closefd=False)
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    sys.modules.pop("app.main", None)
    sys.argv = [module, *argv]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def start(
    module: str, argv: Sequence[str], environment: Mapping[str, str], cwd: Path, log: Path
) -> BaseProcess:
    """Fork a server from the forkserver (started, and its imports made, on first use)."""
    process = _context.Process(
        target=_serve,
        args=(module, list(argv), dict(environment), str(cwd), str(log)),
        daemon=False,
    )
    process.start()
    return process
