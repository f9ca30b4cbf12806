"""Two code trees over HTTP on one store and index, alternating: what a change bought when the
machine is shared and absolute times move from minute to minute.

    python -m bench.ab FOLDER ROUNDS TREE_A TREE_B [--fts5 SIZE] [--pages]

FOLDER holds store.db and index/ (a corpus built once, e.g. by bench/run.py's steps); each tree
is a checkout (`git archive REV | tar -x -C TREE`), served with `python -m app` from its own
folder so its own `app` is imported. Each round serves each tree in turn (the order flips every
round): a fresh server, timed after `/readyz`, one request at a time, the 60 queries the first
time it sees them, then three warm passes with the page cache off, and the server's CPU per
request; a second server with the page cache on answers one search repeated. Then the framework
floor (bench/floor.py) for the same body, and FTS5 in-process for a synthetic corpus of SIZE.
Prints one JSON line per tree and round, with a digest of the answers (the service's own
address taken out) so that the two trees can be seen to answer the same.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import case_studies, queries
from bench.visitor import floor_server
from bench.wire import Visitor, pct, timed
from testkit.servers import free_port


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(tree: Path, folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        "DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "INDEX_DIR": str(folder / "index"),
        "RATE_LIMIT": "off",
        "LOG_LEVEL": "warning",
        "DATA_DIR": str(folder / "no-files"),
        **env,
    }
    (folder / "no-files").mkdir(exist_ok=True)
    log = (folder / f"server-{tree.name}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tree,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        assert process.poll() is None, f"the server of {tree} stopped"
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)


def one_tree(tree: Path, folder: Path, pages: bool) -> dict[str, Any]:
    asked = queries()
    query = [str(httpx.QueryParams({"q": text, **filters})) for text, filters in asked]
    found: dict[str, Any] = {}
    process, base = serve(tree, folder, {"SEARCH_CACHE_MB": "0"})
    try:
        urls = [f"{base}/api/v1/search?{q}" for q in query]
        with Visitor(base) as client:
            started = cpu_seconds(process.pid)
            first = timed(client, urls)
            middle = cpu_seconds(process.pid)
            warm = timed(client, urls * 3)
            ended = cpu_seconds(process.pid)
            answers = b"".join(client.get(u).replace(base.encode(), b"") for u in urls)
            found["body"] = client.get(urls[1])
            if pages:
                html = [u.replace("/api/v1/search?", "/?") for u in urls]
                timed(client, html[:5])
                page = timed(client, html * 2)
                found["page"] = [pct(page, 0.5), pct(page, 0.95)]
        found["first"] = [pct(first, 0.5), pct(first, 0.95), (middle - started) / len(urls) * 1e3]
        found["warm"] = [pct(warm, 0.5), pct(warm, 0.95), (ended - middle) / len(warm) * 1e3]
        found["digest"] = hashlib.sha256(answers).hexdigest()[:12]
    finally:
        process.terminate()
        process.wait(15)
    process, base = serve(tree, folder, {})
    try:
        with Visitor(base) as client:
            same = [f"{base}/api/v1/search?{query[1]}"]
            timed(client, same * 20)
            started = cpu_seconds(process.pid)
            repeated = timed(client, same * 300)
            used = (cpu_seconds(process.pid) - started) / 300 * 1e3
        found["repeated"] = [pct(repeated, 0.5), pct(repeated, 0.95), used]
    finally:
        process.terminate()
        process.wait(15)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("rounds", type=int)
    parser.add_argument("trees", type=Path, nargs=2)
    parser.add_argument("--fts5", type=int, default=0, help="corpus size for FTS5 (0: none)")
    parser.add_argument("--pages", action="store_true", help="time the search page too")
    args = parser.parse_args()
    for round_ in range(args.rounds):
        body = b""
        for tree in args.trees if round_ % 2 == 0 else args.trees[::-1]:
            load = os.getloadavg()[0]
            found = one_tree(tree.resolve(), args.folder.resolve(), args.pages)
            body = found.pop("body")
            rounded = {
                k: [round(x, 2) for x in v] if isinstance(v, list) else v for k, v in found.items()
            }
            print(
                json.dumps({"round": round_, "tree": str(tree), "load": round(load, 1), **rounded}),
                flush=True,
            )
        with floor_server(args.folder, body) as base, Visitor(base) as client:
            timed(client, [f"{base}/api/v1/search"] * 20)
            floor = timed(client, [f"{base}/api/v1/search"] * 300)
        extra: dict[str, Any] = {"floor": [round(pct(floor, 0.5), 2), round(pct(floor, 0.95), 2)]}
        if args.fts5:
            from bench.run import fts5_baseline

            fts5 = fts5_baseline(case_studies(args.fts5), queries())
            extra["fts5"] = [round(pct(fts5, 0.5), 2), round(pct(fts5, 0.95), 2)]
        print(
            json.dumps({"round": round_, "load": round(os.getloadavg()[0], 1), **extra}), flush=True
        )


if __name__ == "__main__":
    main()
