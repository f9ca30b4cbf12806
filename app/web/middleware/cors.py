"""CORS for the websites allowed to embed: Starlette's middleware, asking the live list (which
moderators change while the service runs) instead of a list fixed at start."""

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from app.services.embed_origins import EmbedOrigins

# Other sites' pages read; they never write (submissions and moderation are for keys, not for
# browsers on other sites).
METHODS = ["GET", "HEAD"]
EXPOSED = ["ETag", "X-Request-ID", "Retry-After"]


class EmbedCORS(CORSMiddleware):
    """CORS that allows exactly the origins on the live list, on reads only."""

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
