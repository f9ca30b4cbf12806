"""A bounded load test: a real uvicorn on 127.0.0.1 (its own temporary store, the bundled
collection, RATE_LIMIT=off) and a load generator in a second process that mixes searches,
detail views and submissions for a fixed number of requests.

    python -m bench.load [--requests 3000] [--concurrency 16] [--workers 1]

Prints throughput, p50/p99 by kind and the error count (which must be zero).
"""

import argparse
import asyncio
import multiprocessing
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from app.store.db import make_engine
from app.store.keys import create_key
from testkit.factories import make_draft
from testkit.servers import service

QUERIES = [
    "care leavers", "fostering", "edge of care", "CAMHS", "early help", "social work academy",
    "family group conference", "SEND", "youth justice", "exploitation", "adoption",
    "domestic abuse", "teenagers", "toddlers speech", "recruitment and retention", "",
]  # fmt: skip
FILTERS = [{}, {"theme": "fostering"}, {"age_band": "11-16"}, {"region": "London"}, {}]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def generate(base: str, requests: int, concurrency: int, key: str) -> dict[str, Any]:
    rng = random.Random(7)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        slugs = [
            r["slug"] for r in (await client.get("/api/v1/search?per_page=50")).json()["results"]
        ]
        plan: list[tuple[str, str, dict[str, Any]]] = []
        for n in range(requests):
            roll = rng.random()
            if roll < 0.70:
                params = {"q": rng.choice(QUERIES), **rng.choice(FILTERS)}
                plan.append(("search", "/api/v1/search", params))
            elif roll < 0.95:
                plan.append(("detail", f"/api/v1/case-studies/{rng.choice(slugs)}", {}))
            else:
                plan.append(("submit", "/api/v1/submissions", {"title": f"Load test hub {n}"}))
        timings: dict[str, list[float]] = {"search": [], "detail": [], "submit": []}
        errors: list[str] = []
        queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
        for item in plan:
            queue.put_nowait(item)

        async def worker() -> None:
            while not queue.empty():
                kind, path, params = queue.get_nowait()
                started = time.perf_counter()
                try:
                    if kind == "submit":
                        response = await client.post(
                            path,
                            json=make_draft(**params),
                            headers={"Authorization": f"Bearer {key}"},
                        )
                        ok = response.status_code == 201
                    else:
                        response = await client.get(path, params=params)
                        ok = response.status_code == 200
                except httpx.HTTPError as error:
                    errors.append(f"{kind}: {type(error).__name__}")
                    continue
                timings[kind].append(time.perf_counter() - started)
                if not ok:
                    errors.append(f"{kind}: {response.status_code}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "timings": timings, "errors": errors}


def _generator(base: str, requests: int, concurrency: int, key: str, out: Any) -> None:
    out.put(asyncio.run(generate(base, requests, concurrency, key)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {"RATE_LIMIT": "off", "LOG_LEVEL": "warning", "WEB_CONCURRENCY": str(args.workers)}
        with service(folder, env) as base:
            engine = make_engine(f"sqlite:///{folder / 'store.db'}")
            with Session(engine) as session:
                key = create_key(session, "council", "Leeds City Council")[1]
            engine.dispose()
            results: Any = multiprocessing.Queue()
            process = multiprocessing.Process(
                target=_generator, args=(base, args.requests, args.concurrency, key, results)
            )
            process.start()
            report = results.get()
            process.join()
    timings = report["timings"]
    every = [t for values in timings.values() for t in values]
    print(
        f"{args.requests} requests, concurrency {args.concurrency}, "
        f"{args.workers} worker(s): {report['elapsed']:.1f} s"
    )
    print(f"{'kind':<8} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, values in (*timings.items(), ("all", every)):
        print(
            f"{kind:<8} {len(values):>6} {percentile(values, 0.5) * 1000:>8.1f} "
            f"{percentile(values, 0.99) * 1000:>8.1f}"
        )
    print(f"throughput: {len(every) / report['elapsed']:.0f} requests/s")
    print(f"errors: {len(report['errors'])} {sorted(set(report['errors']))[:5]}")
    print(f"mean search ms: {statistics.fmean(timings['search']) * 1000:.1f}")


if __name__ == "__main__":
    main()
