"""ETags and Cache-Control on public GET responses; a matching If-None-Match gets 304."""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.cache_policy import cache_policy


def etag_of(body: bytes) -> str:
    """The ETag of a body. A route that keeps its rendered body (the search page cache) keeps
    this beside it and sends it as a header, so the body is not buffered and hashed again."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag in tags


def _not_modified(start: Message) -> Message:
    headers = MutableHeaders(scope=start)
    for name in ("content-length", "content-type"):
        if name in headers:
            del headers[name]
    start["status"] = 304
    return start


class ETags:
    """An ETag (a hash of the body) and Cache-Control on public GET responses; a matching
    If-None-Match gets 304. Any change to what a response shows, a publish included, changes its
    body and so its ETag. A response that already carries its ETag (etag_of its body) is passed
    through as it is sent instead of being buffered to be hashed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = cache_policy(scope.get("path", "")) if scope["type"] == "http" else None
        if policy is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        passing = False  # the ETag came with the response: send the body as it comes
        unchanged = False  # ... and it matched If-None-Match: send no body
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start, passing, unchanged
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    start = None
                    await send(message)
                    return
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag is None:
                    start = message
                    return
                passing = True
                headers.setdefault("Cache-Control", policy)
                wanted = Headers(scope=scope).get("if-none-match")
                unchanged = wanted is not None and _matches(wanted, etag)
                await send(_not_modified(message) if unchanged else message)
                return
            if passing and unchanged:
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            if start is None or passing:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            etag = etag_of(body)
            headers = MutableHeaders(scope=start)
            headers["ETag"] = etag
            headers.setdefault("Cache-Control", policy)
            wanted = Headers(scope=scope).get("if-none-match")
            if wanted and _matches(wanted, etag):
                await send(_not_modified(start))
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
