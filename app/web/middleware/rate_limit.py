"""Rate limits: per client address on public requests, per API key on writes (RATE_LIMIT,
WRITE_RATE_LIMIT; RATE_LIMIT=off turns both off). Counting is the `limits` library's moving
window, in memory by default; RATE_LIMIT_STORAGE points every process at one shared store (for
example redis://) so that replicas share their counts."""

import hashlib
import math
import time

from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import parse_limit
from app.web.problems import send_problem

EXEMPT = ("/healthz", "/readyz", "/metrics", "/static/", "/favicon.ico", "/widget.js")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class RateLimit:
    def __init__(self, app: ASGIApp, public: str, writes: str, storage: str) -> None:
        self.app = app
        self.public = parse_limit(public)
        self.writes = parse_limit(writes)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        authorization = dict(scope["headers"]).get(b"authorization")
        if scope["method"] in WRITES and authorization:
            item, key = self.writes, "key:" + hashlib.sha256(authorization).hexdigest()[:24]
        else:
            client = scope.get("client")
            item, key = self.public, "ip:" + (client[0] if client else "unknown")
        if self.limiter.hit(item, key):
            await self.app(scope, receive, send)
            return
        reset, _remaining = self.limiter.get_window_stats(item, key)
        retry = max(1, math.ceil(reset - time.time()))
        who = "key" if key.startswith("key:") else "address"
        await send_problem(
            scope,
            send,
            429,
            "Too many requests",
            f"More than {item} from this {who}; try again in {retry} s.",
            [(b"retry-after", str(retry).encode())],
        )
