"""Serving under uvicorn (`python -m app`) with the service's own defences at the connection:

- a deadline for receiving each request, head and body (REQUEST_TIMEOUT_SECONDS). uvicorn has
  none: its keep-alive timer stops at a request's first byte, so a client sending a byte at a
  time held a connection for ever, and a thousand such clients took every connection;
- client addresses from X-Forwarded-For only when the connection comes from an address in
  FORWARDED_ALLOW_IPS (uvicorn trusts 127.0.0.1 unless told otherwise, so anything on the host,
  or a proxy that does not set the header, could choose its rate-limit address);
- idle keep-alive connections closed after 5 s, at most 1,000 open requests (503 past it).
"""

import asyncio
import functools
import os
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import SERVED_BY, Settings

KEEP_ALIVE_SECONDS = 5
MAX_OPEN_REQUESTS = 1000


@functools.cache
def _request_timeout() -> float:
    """Read once per process (uvicorn's workers are processes of their own)."""
    return Settings().request_timeout_seconds


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose next request has not arrived in
    full within REQUEST_TIMEOUT_SECONDS of the connection opening or of the previous answer.
    The clock stops while the app works on a request it has whole, so a slow answer (a large
    export) is never cut short."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._received = 0  # requests that arrived in full
        self._answered = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._rearm()

    def on_message_complete(self) -> None:
        self._received += 1
        super().on_message_complete()
        self._rearm()

    def on_response_complete(self) -> None:
        self._answered += 1
        super().on_response_complete()
        self._rearm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop()
        super().connection_lost(exc)

    def _rearm(self) -> None:
        """Run the clock while every request received has been answered: the connection is
        waiting for (the rest of) the next one. Pipelined requests stop it until answered."""
        self._stop()
        if self._answered >= self._received and not self.transport.is_closing():
            self._deadline = self.loop.call_later(_request_timeout(), self._expire)

    def _stop(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def run(host: str, port: int, workers: int) -> None:
    """Serve app.main:app; everything but where to listen comes from the environment."""
    settings = Settings()
    os.environ[SERVED_BY] = "python -m app"  # inherited by the worker processes
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=workers,
        http=f"{__name__}:DeadlineProtocol",
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=",".join(settings.forwarded_allow_ips) or None,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=MAX_OPEN_REQUESTS,
        access_log=False,  # the service logs each request itself, without query strings
    )
