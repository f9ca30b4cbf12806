"""Rate limits (RATE_LIMIT, WRITE_RATE_LIMIT; RATE_LIMIT=off turns them off):

- every request counts against its client address's RATE_LIMIT (this middleware);
- a write counts against its API key's WRITE_RATE_LIMIT once the key is verified, so the way the
  Authorization header is spelt (`bearer`, two spaces) never starts a fresh count;
- a missing, wrong or revoked key counts against the address's WRITE_RATE_LIMIT, so guessing
  keys is limited however many different ones are tried.

The last two are checked where the key is (app/web/deps.py). Counting is the `limits` library's
moving window, in memory by default; RATE_LIMIT_STORAGE points every process at one shared store
(for example redis://) so that replicas share their counts.
"""

import math
import time

from limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import parse_limit
from app.web.problems import send_problem

# "/widget." covers the stable /widget.js and its versioned /widget.<hash>.js alike.
EXEMPT = ("/healthz", "/readyz", "/metrics", "/static/", "/favicon.ico", "/widget.")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class Refused(Exception):
    """Over a limit: what to tell the client, and when to come back."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class Limits:
    """The counters, shared by the middleware and the key check."""

    def __init__(self, public: str, writes: str, storage: str) -> None:
        self.public = parse_limit(public)
        self.writes = parse_limit(writes)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))

    def _hit(self, item: RateLimitItem, key: str, who: str) -> None:
        if self.limiter.hit(item, key):
            return
        reset, _remaining = self.limiter.get_window_stats(item, key)
        retry = max(1, math.ceil(reset - time.time()))
        raise Refused(f"More than {item} from this {who}; try again in {retry} s.", retry)

    def request(self, address: str) -> None:
        """Count a request from a client address; Refused when over RATE_LIMIT."""
        self._hit(self.public, "ip:" + address, "address")

    def write(self, key_id: int) -> None:
        """Count a write by a verified key; Refused when over WRITE_RATE_LIMIT."""
        self._hit(self.writes, f"key:{key_id}", "key")

    def failed_key(self, address: str) -> None:
        """Count a missing, wrong or revoked key from an address; Refused when over
        WRITE_RATE_LIMIT."""
        self._hit(self.writes, "bad-key:" + address, "address with keys that are not valid")


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimit:
    """RATE_LIMIT per client address on every request but the operational ones."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        try:
            self.limits.request(client_address(scope))
        except Refused as refused:
            await send_problem(
                scope,
                send,
                429,
                "Too many requests",
                refused.detail,
                [(b"retry-after", str(refused.retry_after).encode())],
            )
            return
        await self.app(scope, receive, send)
