"""nosniff, a referrer policy, a Content-Security-Policy and (HSTS_SECONDS) HSTS on every
response."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Content-Security-Policy by kind of response. Pages load only their own scripts and styles;
# the embed page may be framed by the allowed origins; Swagger UI at /docs loads from its CDN.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


def embed_policy(origins: list[str]) -> str:
    ancestors = " ".join(["'self'", *origins])
    return (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {ancestors}"
    )


class SecurityHeaders:
    """nosniff, a referrer policy and a CSP on every response; only /embed may be framed, and
    only by EMBED_ORIGINS."""

    def __init__(self, app: ASGIApp, embed_origins: list[str], hsts_seconds: int = 0) -> None:
        self.app = app
        self.embed = embed_policy(embed_origins)
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
                    headers.setdefault("Content-Security-Policy", self.embed)
                else:
                    policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
                    headers.setdefault("Content-Security-Policy", policy)
                    headers.setdefault("X-Frame-Options", "DENY")
                if path == "/widget.js":  # loaded by other sites' pages
                    headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
            await send(message)

        await self.app(scope, receive, with_headers)
