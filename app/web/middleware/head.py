"""HEAD answered as GET would be, without the body (RFC 9110, 9.3.2): link checkers, uptime
probes and caches ask with HEAD. FastAPI's routes serve only the methods they name, so without
this every page, feed and probe answered HEAD with 405."""

from starlette.types import ASGIApp, Receive, Scope, Send


class HeadAsGet:
    """The innermost middleware: the routes see GET, everything outside still sees HEAD (the
    ETags' 304, CORS, the rate limits, the request's log line and metrics). The body is sent as
    GET's would be and uvicorn leaves it out for a HEAD, keeping its Content-Length."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        # In place, not a copy: the router notes the matched route on this scope, which the
        # request's log line and metrics read once the answer is sent.
        scope["method"] = "GET"
        try:
            await self.app(scope, receive, send)
        finally:
            scope["method"] = "HEAD"
