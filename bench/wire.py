"""A lean HTTP/1.1 client for timing the service: a figure is the server's, not the client's.

The benchmarks timed over httpx, whose client side cost 0.6–0.9 ms of CPU a request against the
framework floor here (the standard library's `http.client` 0.25–0.30 ms, measured alternating,
2026-11-30), on the same two cores the server runs on: it was part of every HTTP figure, and
the load generators' share of the cores capped what a second worker could show. Both clients
here keep one connection open and read a body by its Content-Length, which every answer timed
here has; anything else is an error, never a silent mis-read.
"""

import asyncio
import http.client
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit


class Visitor:
    """One visitor: one keep-alive connection, one request at a time."""

    def __init__(self, base: str, timeout: float = 120) -> None:
        parts = urlsplit(base)
        assert parts.hostname and parts.port, base
        self._base = f"{parts.scheme}://{parts.netloc}"
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def get(self, url: str) -> bytes:
        """The body of a 200 answer to url (on this visitor's server); anything else raises."""
        assert url.startswith(self._base), url
        self._connection.request("GET", url[len(self._base) :] or "/")
        response = self._connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}: {body[:200]!r}")
        return body

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def pct(values: list[float], share: float) -> float:
    """The share-th percentile of seconds, in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * 1000


def timed(client: Visitor, urls: list[str]) -> list[float]:
    """Each url once, in order, one at a time; seconds each."""
    taken = []
    for url in urls:
        started = time.perf_counter()
        client.get(url)
        taken.append(time.perf_counter() - started)
    return taken


async def _status(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ask: bytes) -> int:
    """Send one prepared request on a kept-alive connection; its status, the body read whole."""
    writer.write(ask)
    head = await reader.readuntil(b"\r\n\r\n")
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise RuntimeError(f"an answer without Content-Length: {head[:200]!r}")
    await reader.readexactly(length)
    return int(head[9:12])


async def hammer(urls: list[str], concurrency: int) -> dict[str, float]:
    """The urls (all on one server) over `concurrency` connections at once, after the first 50
    once each; requests a second, p50 and p99 in ms, and how many were not 200."""
    parts = urlsplit(urls[0])
    asks = [
        f"GET {url[len(f'{parts.scheme}://{parts.netloc}') :]} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n\r\n".encode()
        for url in urls
    ]
    connections = [
        await asyncio.open_connection(parts.hostname, parts.port) for _ in range(concurrency)
    ]
    try:
        for ask in asks[:50]:  # warm
            if await _status(*connections[0], ask) != 200:
                raise RuntimeError(f"a warm-up request failed: {ask!r}")
        timings: list[float] = []
        errors = 0
        queue = list(reversed(asks))

        async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal errors
            while queue:
                ask = queue.pop()
                started = time.perf_counter()
                status = await _status(reader, writer, ask)
                timings.append(time.perf_counter() - started)
                errors += status != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker(*connection) for connection in connections))
        elapsed = time.perf_counter() - started
    finally:
        for _, writer in connections:
            writer.close()
    return {
        "rps": len(timings) / elapsed,
        "p50": pct(timings, 0.5),
        "p99": pct(timings, 0.99),
        "errors": errors,
    }


def _hammered(urls: list[str], concurrency: int) -> dict[str, float]:
    return asyncio.run(hammer(urls, concurrency))


def load(shares: list[list[str]], concurrency: int) -> list[dict[str, float]]:
    """Each share of urls hammered from a process of its own, all at once, as real clients
    would be; a client's failure is raised here."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(shares), mp_context=spawn) as pool:
        running = [pool.submit(_hammered, share, concurrency) for share in shares]
        return [each.result() for each in running]
