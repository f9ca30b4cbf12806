"""nosniff, a referrer policy, a Content-Security-Policy and (HSTS_SECONDS) HSTS on every
response."""

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Content-Security-Policy by kind of response. Pages load only their own scripts and styles;
# the embed page may be framed by the allowed origins. /docs and /redoc load Swagger UI and ReDoc
# from this service too (no outside host): both set inline styles as they render, and ReDoc's
# search runs in a worker it makes from a blob.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def embed_policy(origins: list[str]) -> str:
    """The embed page's policy: framed by the allowed origins (the list changes while the
    service runs), and one script of its own, which tells the host page its height."""
    ancestors = " ".join(["'self'", *origins])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )


class SecurityHeaders:
    """nosniff, a referrer policy and a CSP on every response; only /embed may be framed, and
    only by the websites allowed to embed (`frame_ancestors()`, asked on each request)."""

    def __init__(
        self, app: ASGIApp, frame_ancestors: Callable[[], list[str]], hsts_seconds: int = 0
    ) -> None:
        self.app = app
        self.frame_ancestors = frame_ancestors
        # Browsers keep to HTTPS for this long once they have seen it (only over HTTPS).
        self.hsts = f"max-age={hsts_seconds}" if hsts_seconds else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if self.hsts is not None:
                    headers.setdefault("Strict-Transport-Security", self.hsts)
                if path == "/embed":
                    policy = embed_policy(self.frame_ancestors())
                    headers.setdefault("Content-Security-Policy", policy)
                else:
                    policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
                    headers.setdefault("Content-Security-Policy", policy)
                    headers.setdefault("X-Frame-Options", "DENY")
                if path == "/widget.js":  # loaded by other sites' pages
                    headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
            await send(message)

        await self.app(scope, receive, with_headers)
