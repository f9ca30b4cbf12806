"""Where the suite's CPU goes, test by test: a pytest plugin for measuring, never loaded by a
plain run. `/usr/bin/time` of a run misses Chromium (Playwright's driver is not waited for, so
its browser's CPU is never reaped into the run's) and PostgreSQL (pg_ctl's server is not a child
of the run); this counts both (docs/suite.md, 1 December's evening).

    TIMELINE_DIR=/tmp/tl .venv/bin/python -m pytest -p tests.timeline -n 2 tests/browser
    .venv/bin/python -m tests.timeline /tmp/tl

Each phase of each test (set-up, call, tear-down) records its wall time and the CPU of the test
process with everything below it, live or reaped (servers, Chromium), and of the PostgreSQL
server's processes, from /proc (Linux only). A process that ends unreaped by its parent (a
uvicorn worker of a server stopped under it) takes its CPU out of the tree: a phase can then
come out negative. Reading /proc costs a few milliseconds a phase, counted in the phase."""

import collections
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TICKS = os.sysconf("SC_CLK_TCK")
_postmasters: list[int] = []
_rows: list[dict[str, Any]] = []


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _processes() -> dict[int, tuple[int, int]]:
    """Each process: its parent, and its own CPU ticks with those of the children it reaped."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = _read(f"/proc/{name}/stat")
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2 :].split()
            table[int(name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    return table


def _tree(table: dict[int, tuple[int, int]], root: int) -> float:
    """CPU seconds of a process and everything below it."""
    children = collections.defaultdict(list)
    for pid, (parent, _) in table.items():
        children[parent].append(pid)
    ticks, stack = 0, [root] if root in table else []
    while stack:
        pid = stack.pop()
        ticks += table[pid][1]
        stack.extend(children[pid])
    return ticks / TICKS


def _snapshot() -> tuple[float, float, float]:
    table = _processes()
    return (
        time.monotonic(),
        _tree(table, os.getpid()),
        sum(_tree(table, pid) for pid in _postmasters),
    )


def _postmaster(port: int) -> int | None:
    """The PostgreSQL server listening on `port` (its command line names it)."""
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                argv = _read(f"/proc/{name}/cmdline").split(b"\0")
            except OSError:
                continue
            if argv[0].endswith(b"postgres") and b"-p" in argv:
                at = argv.index(b"-p") + 1
                if at < len(argv) and argv[at] == str(port).encode():
                    return int(name)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Iterator[None]:
    result = yield
    if fixturedef.argname == "postgres":
        pid = _postmaster(result.port)  # type: ignore[attr-defined]
        if pid:
            _postmasters.append(pid)
    return result


def _phase(name: str) -> Any:
    @pytest.hookimpl(wrapper=True)
    def hook(item: pytest.Item) -> Iterator[None]:
        before = _snapshot()
        try:
            return (yield)
        finally:
            after = _snapshot()
            wall, tree, postgres = (b - a for a, b in zip(before, after, strict=True))
            _rows.append(
                {"id": item.nodeid, "phase": name, "wall": wall, "cpu": tree, "pg": postgres}
            )

    return hook


pytest_runtest_setup = _phase("setup")
pytest_runtest_call = _phase("call")
pytest_runtest_teardown = _phase("teardown")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _rows:
        return  # pytest-xdist's controller runs no test
    folder = Path(os.environ.get("TIMELINE_DIR", "timeline"))
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (folder / f"{worker}-{os.getpid()}.jsonl").open("w") as out:
        out.writelines(json.dumps(row) + "\n" for row in _rows)


def _total(sums: collections.Counter[str]) -> float:
    return sums["setup"] + sums["call"] + sums["teardown"] + sums["pg"]


def report(folder: Path, top: int = 30) -> None:
    """CPU by folder and by module (set-up, call, tear-down), then the costliest tests."""
    rows = [json.loads(line) for path in folder.glob("*.jsonl") for line in path.open()]
    for depth, what in ((2, "folder"), (None, "module")):
        sums: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for row in rows:
            path = row["id"].split("::")[0]
            key = "/".join(path.split("/")[:depth]) if depth else path
            sums[key].update({row["phase"]: row["cpu"], "pg": row["pg"], "wall": row["wall"]})
            sums[key]["tests"] += row["phase"] == "call"
        print(f"\nby {what}: CPU s (set-up / call / tear-down), PostgreSQL s, wall s, tests")
        ranked = sorted(sums.items(), key=lambda item: -_total(item[1]))
        for key, c in ranked[:top]:
            cpu = c["setup"] + c["call"] + c["teardown"]
            print(
                f"{cpu:8.1f} ({c['setup']:6.1f} / {c['call']:6.1f} / {c['teardown']:6.1f})"
                f" pg {c['pg']:6.1f} wall {c['wall']:7.1f} {c['tests']:5d}  {key}"
            )
    costs: collections.Counter[str] = collections.Counter()
    for row in rows:
        costs[row["id"]] += row["cpu"] + row["pg"]
    print("\ncostliest tests: CPU s with PostgreSQL's, all phases")
    for nodeid, cpu in costs.most_common(top):
        print(f"{cpu:8.1f}  {nodeid}")


if __name__ == "__main__":
    report(Path(sys.argv[1]))
