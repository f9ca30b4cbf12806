"""CORS for the websites allowed to embed: Starlette's middleware, asking the live list (which
moderators change while the service runs) instead of a list fixed at start."""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.services.embed_origins import EmbedOrigins

# Other sites' pages read; they never write (submissions and moderation are for keys, not for
# browsers on other sites).
METHODS = ["GET", "HEAD"]
EXPOSED = ["ETag", "X-Request-ID", "Retry-After"]
CONDITIONAL = (b"if-none-match", b"if-modified-since")


class EmbedCORS(CORSMiddleware):
    """CORS that allows exactly the origins on the live list, on reads only.

    A site taken off the list gets whole answers, never 304: a browser keeps the headers of
    the response it cached, Access-Control-Allow-Origin included, when told it is unchanged,
    so a 304 would keep showing a removed site the results.
    """

    def __init__(self, app: ASGIApp, origins: EmbedOrigins) -> None:
        super().__init__(
            app,
            allow_origins=["*"] if origins.cors_all else [],
            allow_methods=METHODS,
            expose_headers=EXPOSED,
            max_age=600,
        )
        self.origins = origins

    def is_allowed_origin(self, origin: str) -> bool:
        return self.origins.allows(origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            origin = Headers(scope=scope).get("origin")
            if origin is not None and not self.is_allowed_origin(origin):
                headers = [(k, v) for k, v in scope["headers"] if k not in CONDITIONAL]
                scope = {**scope, "headers": headers}
        await super().__call__(scope, receive, send)
