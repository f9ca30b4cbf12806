"""Two workers against one (issue 19: two must serve at least 1.8 times one's requests a second).

The bundled collection's varied searches (the 60 queries, a filter each, all facets, page cache
off), served by `python -m app --workers N` for N = 1, 2, 1, 2 (alternating, since the machine
is shared and its speed moves from minute to minute), each after `/readyz` and a warm-up of
every query on every worker. The load comes from two processes of 8 connections each, so that
one client process is not the limit. The machine has two cores that the load generator shares:
what two workers can gain is bounded by what the generator leaves them.
"""

import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import queries
from bench.visitor import PAGES_OFF
from bench.wire import Visitor, load
from testkit.servers import service

CLIENTS = 2
CONCURRENCY = 8


def served(urls: list[str]) -> dict[str, float]:
    """The urls shared among CLIENTS processes at once; requests a second over all of them."""
    started = time.perf_counter()
    found = load([urls[n::CLIENTS] for n in range(CLIENTS)], CONCURRENCY)
    elapsed = time.perf_counter() - started
    return {
        "rps": sum(f["rps"] for f in found),
        "wall_rps": len(urls) / elapsed,
        "errors": sum(f["errors"] for f in found),
    }


def measure_workers(requests: int) -> dict[str, Any]:
    """Requests a second for one and for two workers, two runs each, alternating."""
    env = {"RATE_LIMIT": "off", "LOG_LEVEL": "warning", **PAGES_OFF}
    found: dict[str, Any] = {"1": [], "2": []}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2, 1, 2):
            with service(Path(tmp), env, workers=workers, ready="/readyz", timeout=600) as base:
                asked = [
                    {"q": q, "theme": "fostering" if n % 2 else "adoption"}
                    for n, (q, _) in enumerate(queries())
                ]
                urls = [f"{base}/api/v1/search?" + str(httpx.QueryParams(a)) for a in asked]
                with Visitor(base) as client:  # every worker sees every query
                    for url in urls * 4:
                        client.get(url)
                found[str(workers)].append(served((urls * (requests // len(urls) + 1))[:requests]))
    one = max(r["rps"] for r in found["1"])
    two = max(r["rps"] for r in found["2"])
    return {"runs": found, "one_rps": one, "two_rps": two, "ratio": two / one}


def row(found: dict[str, Any]) -> str:
    """The bundled table's rows and the ratio line."""
    runs = found["runs"]
    one = " and ".join(f"{r['rps']:.0f}" for r in runs["1"])
    two = " and ".join(f"{r['rps']:.0f}" for r in runs["2"])
    errors = sum(r["errors"] for rs in runs.values() for r in rs)
    return (
        f"\n\nTwo workers against one (`python -m app --workers N`, the varied searches uncached, "
        f"16 at once from two load processes, alternating 1, 2, 1, 2): one worker {one} requests "
        f"a second, two workers {two} ({errors} errors); two serve **{found['ratio']:.2f}×** "
        "one's (best run of each)."
    )
