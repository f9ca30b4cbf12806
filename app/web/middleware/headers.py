"""ASGI middleware: a limit on request bodies, security headers, ETags and caching."""

import hashlib
import json

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_HEADER_BYTES = 16_384  # as h11 and common proxies allow


class BodyLimit:
    """Refuse a body over max_bytes with 413: at once if Content-Length says so, otherwise as
    soon as the bytes received pass the limit (a chunked upload cannot slip past). Headers over
    16 KiB in all are refused with 431 (uvicorn's fast parser sets no limit of its own)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _detail(self) -> str:
        return f"The request body is over the limit of {self.max_bytes} bytes; send less."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            await refuse(
                scope,
                send,
                431,
                "Request headers too large",
                f"The request's headers are over {MAX_HEADER_BYTES} bytes in all; send fewer.",
            )
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await refuse(scope, send, 413, "Request too large", self._detail())
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)


async def refuse(
    scope: Scope,
    send: Send,
    status: int,
    title: str,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer with a problem document straight from middleware, before the app sees anything."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or [(b"connection", b"close")]),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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

    def __init__(self, app: ASGIApp, embed_origins: list[str]) -> None:
        self.app = app
        self.embed = embed_policy(embed_origins)

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


# What a client may cache, by path: the embed and the feed for a minute (they face the
# campaign's visitors); the rest must be revalidated, which the ETag makes cheap.
SHORT_LIVED = "public, max-age=60"
REVALIDATE = "public, max-age=0, must-revalidate"
CACHEABLE = {
    "/": REVALIDATE,
    "/embed": SHORT_LIVED,
    "/feeds/case-studies.atom": SHORT_LIVED,
    "/api/v1/search": REVALIDATE,
    "/api/v1/search.csv": REVALIDATE,
    "/api/v1/suggest": REVALIDATE,
    "/api/v1/vocabulary": REVALIDATE,
}
CACHEABLE_PREFIXES = {"/api/v1/case-studies/": REVALIDATE, "/case-studies/": REVALIDATE}


def cache_policy(path: str) -> str | None:
    if path in CACHEABLE:
        return CACHEABLE[path]
    for prefix, policy in CACHEABLE_PREFIXES.items():
        if path.startswith(prefix):
            return policy
    return None


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag in tags


class ETags:
    """An ETag (a hash of the body) and Cache-Control on public GET responses; a matching
    If-None-Match gets 304. Any change to what a response shows, a publish included, changes its
    body and so its ETag."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = cache_policy(scope.get("path", "")) if scope["type"] == "http" else None
        if policy is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = MutableHeaders(scope=start)
            headers["ETag"] = etag
            headers.setdefault("Cache-Control", policy)
            wanted = Headers(scope=scope).get("if-none-match")
            if wanted and _matches(wanted, etag):
                for name in ("content-length", "content-type"):
                    if name in headers:
                        del headers[name]
                start["status"] = 304
                await send(start)
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
