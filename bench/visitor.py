"""One visitor over HTTP, one request at a time, for each corpus size: what a person waits for.

Against a real server started on the store and index just measured and timed only once
`/readyz` answers: each of the 60 queries the first time the server sees it (its phrases and
its results' snippets worked out afresh), then the same queries warm, with the page cache off;
the same search repeated with the page cache on; and the framework floor (bench/floor.py, a
minimal FastAPI app returning a body of the same size). The FTS5 baseline is measured in-process
by bench/run.py in the same run.
"""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from app.config import ROOT
from bench.wire import Visitor, pct, timed
from testkit.servers import free_port, service

# "Page cache off": no page is served from memory, but parsed queries are kept as they are
# in-process (SearchService's defaults), so HTTP and in-process time the same work.
PAGES_OFF = {"SEARCH_CACHE_MB": "0", "SEARCH_PLANS_MB": "16"}

WARM_PASSES = 3
REPEATS = 200


@contextlib.contextmanager
def floor_server(folder: Path, body: bytes) -> Iterator[str]:
    """bench/floor.py under uvicorn, answering body; yields its base URL."""
    floor_body = folder / "floor.json"
    floor_body.write_bytes(body)
    port = free_port()
    floor = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.floor:app", "--port", str(port)]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, "FLOOR_BODY_FILE": str(floor_body)},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        floor.terminate()
        floor.wait(10)


def visit(folder: Path, asked: list[tuple[str, dict[str, list[str]]]]) -> dict[str, Any]:
    """First-time, warm and repeated searches and the floor, one visitor; milliseconds."""
    empty = folder / "no-files"
    empty.mkdir(exist_ok=True)
    env = {"RATE_LIMIT": "off", "LOG_LEVEL": "warning", "DATA_DIR": str(empty)}
    query = [str(httpx.QueryParams({"q": text, **filters})) for text, filters in asked]
    found: dict[str, Any] = {}
    uncached = {**env, **PAGES_OFF}
    with service(folder, uncached, ready="/readyz", timeout=600) as base, Visitor(base) as client:
        urls = [f"{base}/api/v1/search?{q}" for q in query]
        first = timed(client, urls)
        warm = timed(client, urls * WARM_PASSES)
        body = client.get(urls[1])
    with service(folder, env, ready="/readyz", timeout=600) as base, Visitor(base) as client:
        same = f"{base}/api/v1/search?{query[1]}"
        timed(client, [same] * 10)
        repeated = timed(client, [same] * REPEATS)
    with floor_server(folder, body) as base, Visitor(base) as client:
        timed(client, [f"{base}/api/v1/search"] * 10)
        floor = timed(client, [f"{base}/api/v1/search"] * REPEATS)
    for name, taken in (("first", first), ("warm", warm), ("repeated", repeated)):
        found[name] = [pct(taken, 0.5), pct(taken, 0.95)]
    found["floor"] = [pct(floor, 0.5), pct(floor, 0.95)]
    found["payload_bytes"] = len(body)
    return found


def table(sizes: list[dict[str, Any]]) -> str:
    """The one-visitor table, beside the in-process figures and FTS5 of the same run."""
    rows = [r for r in sizes if r.get("visit")]
    if not rows:
        return ""
    text = (
        "\n\nOne visitor over HTTP (a real server, one worker, timed after `/readyz`, one request "
        "at a time; page cache off unless stated), beside the same search in-process, FTS5 "
        "in-process and the framework floor (a minimal FastAPI app, a body of the same size), "
        "all in this run; p50 / p95:\n\n"
        "| size | first time | warm | warm in-process | HTTP adds (p50) | repeated, page cache on "
        "| FTS5 in-process | floor | first time p95 ÷ FTS5 p95 |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    for r in rows:
        v, s, f = r["visit"], r["search"], r["fts5"]
        text += (
            f"| {r['size']:,} | {v['first'][0]:.1f} / {v['first'][1]:.1f} ms "
            f"| {v['warm'][0]:.1f} / {v['warm'][1]:.1f} ms | {s[0]:.1f} / {s[1]:.1f} ms "
            f"| {v['warm'][0] - s[0]:.1f} ms | {v['repeated'][0]:.2f} / {v['repeated'][1]:.2f} ms "
            f"| {f[0]:.1f} / {f[1]:.1f} ms | {v['floor'][0]:.2f} / {v['floor'][1]:.2f} ms "
            f"| {v['first'][1] / f[1]:.2f}× |\n"
        )
    return text
