"""Which address the service gives out in links and redirects: PUBLIC_URL, or the request's own
host only when TRUSTED_HOSTS lists it. A Host header a client made up never reaches a link, a
redirect or a cached response (it once did, and a cache of suggestions per host grew without
bound)."""

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.problems import send_problem

# Answered whatever the Host: load balancers and probes call these by address, and they build
# no links.
OPERATIONS = ("/healthz", "/readyz", "/metrics")


def host_name(host: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '::1'."""
    try:
        return (urlsplit("//" + host).hostname or "").lower()
    except ValueError:  # a malformed port or bracket
        return ""


def trusted(name: str, patterns: list[str]) -> bool:
    """Whether a host name is in the list: exact names, `*.example.org` for any subdomain, or
    `*` for any (which gives up the protection)."""
    for pattern in patterns:
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


class PublicOrigin:
    """With PUBLIC_URL set, every request is seen as made to it (scheme and host), so whatever
    Starlette builds from the request (a trailing-slash redirect, for one) names it. Without,
    a request whose Host is not in TRUSTED_HOSTS gets 400 and nothing else."""

    def __init__(self, app: ASGIApp, public_url: str | None, trusted_hosts: list[str]) -> None:
        self.app = app
        self.public = urlsplit(public_url) if public_url else None
        self.trusted_hosts = trusted_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.public is not None:
            scope["scheme"] = self.public.scheme
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope["headers"] = [*headers, (b"host", self.public.netloc.encode("latin-1"))]
        elif scope["path"] not in OPERATIONS:
            host = Headers(scope=scope).get("host", "")
            if not trusted(host_name(host), self.trusted_hosts):
                await send_problem(
                    scope,
                    send,
                    400,
                    "Unknown host",
                    f"This service does not answer for the host {host[:100]!r}. Its operator "
                    "sets PUBLIC_URL (the address it is reached at) or lists the host in "
                    "TRUSTED_HOSTS.",
                )
                return
        await self.app(scope, receive, send)
