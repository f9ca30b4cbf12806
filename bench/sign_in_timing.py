"""Does asking for an emailed link take longer for an address that has an account (or alerts)
than for one that has none? Timed over HTTP against `python -m app`, the two addresses
alternating (the order flipping every round), limits off; also checks that the two answers are
the same byte for byte (status, headers but Date, body, Set-Cookie).

    python -m bench.sign_in_timing ROUNDS [--port P]

Prints, per form (/sign-in, /alerts/manage-link), each address's median, 10th and 90th
percentile in milliseconds, and the difference of the medians. docs/security.md has the figures.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from testkit.servers import service

KNOWN, UNKNOWN = "officer@leeds.example", "nobody@nowhere.example"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VARY = {"date", "x-request-id"}  # every answer's own
SAME_SITE = {"sec-fetch-site": "same-origin", "accept": "text/html"}


def _answer(response: httpx.Response) -> tuple[object, ...]:
    headers = sorted((k, v) for k, v in response.headers.multi_items() if k not in VARY)
    return response.status_code, tuple(headers), response.content


def _time(
    client: httpx.Client, path: str, data: dict[str, dict[str, str]], rounds: int
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in data}
    answers: dict[str, set[tuple[object, ...]]] = {name: set() for name in data}
    order = list(data)
    for n in range(rounds):
        for name in order if n % 2 else reversed(order):
            start = time.perf_counter()
            response = client.post(path, data=data[name], headers=SAME_SITE)
            times[name].append((time.perf_counter() - start) * 1000)
            answers[name].add(_answer(response))
    first, second = (answers[name] for name in order)
    print(f"{path}: answers identical: {first == second} ({len(first)} distinct)")
    return times


def _report(path: str, times: dict[str, list[float]]) -> None:
    medians = {}
    for name, values in times.items():
        deciles = statistics.quantiles(values, n=10)
        medians[name] = statistics.median(values)
        print(
            f"{path} {name}: median {medians[name]:.2f} ms, "
            f"p10 {deciles[0]:.2f}, p90 {deciles[-1]:.2f}, n {len(values)}"
        )
    known, unknown = medians.values()
    print(f"{path}: difference of medians {known - unknown:+.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rounds", type=int)
    parser.add_argument("--port", type=int)
    arguments = parser.parse_args()
    limits = ("RATE_LIMIT", "SIGN_IN_RATE_LIMIT", "SIGN_IN_CLIENT_RATE_LIMIT")
    env = {name: "off" for name in (*limits, "ALERT_RATE_LIMIT", "ALERT_CLIENT_RATE_LIMIT")}
    env |= {"SECRET_KEY": "x" * 40, "ALERT_SEND_SECONDS": "0", "REVIEW_CHECK_MINUTES": "0"}
    env |= {"LOG_LEVEL": "warning"}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with service(tmp, env, port=arguments.port, ready="/readyz") as base:
            store = {**os.environ, **env, "DATABASE_URL": f"sqlite:///{tmp / 'store.db'}"}
            store["OUTBOX_DIR"] = str(tmp / "outbox")
            invite = ["users", "invite", KNOWN, "--role", "council", "--council", "Leeds"]
            subprocess.run([sys.executable, "-m", "indexer", *invite], env=store, check=True)
            with httpx.Client(base_url=base, timeout=30) as client:
                alert = {"email": KNOWN, "frequency": "weekly", "q": "kinship"}
                assert client.post("/alerts", data=alert, headers=SAME_SITE).status_code in (
                    200,
                    303,
                )
                page = client.get("/sign-in")
                csrf = TOKEN.search(page.text)
                assert csrf
                emails = {"with": KNOWN, "without": UNKNOWN}
                forms = {
                    "/sign-in": {k: {"email": v, "csrf_token": csrf[1]} for k, v in emails.items()},
                    "/alerts/manage-link": {k: {"email": v} for k, v in emails.items()},
                }
                for path, data in forms.items():
                    _time(client, path, data, 20)  # warm up
                    _report(path, _time(client, path, data, arguments.rounds))


if __name__ == "__main__":
    main()
