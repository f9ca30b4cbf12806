"""The browser's side of signing in: the session cookie, and what happens when a page needs an
account and the browser has none (a page: off to /sign-in and back; anything else: 401).

Session cookies are HttpOnly (no script reads them), SameSite=Lax (other sites' forms do not
carry them) and, on https, Secure with the `__Host-` prefix (no other host can set or read them).
Pages only: the JSON API never reads this cookie (machines send an API key), so it needs no
CSRF check.
"""

from datetime import datetime
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from app.config import Settings
from app.core.errors import Unauthenticated
from app.services.accounts import MAX_NEXT
from app.web.problems import problem, wants_html

SESSION = "bf_session"


class SignInRequired(Unauthenticated):
    """The page is for signed-in people and this browser is not signed in."""

    def __init__(self) -> None:
        super().__init__("Sign in to see this page.")


def on_https(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.on_https


def cookie_name(request: Request, base: str) -> str:
    return f"__Host-{base}" if on_https(request) else base


def session_secret(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request, SESSION))


def set_cookie(
    request: Request, response: Response, base: str, value: str, expires: datetime | None = None
) -> None:
    """Set one of our cookies with the flags above (for the browser's session if no expiry)."""
    response.set_cookie(
        cookie_name(request, base),
        value,
        expires=expires,
        path="/",
        secure=on_https(request),
        httponly=True,
        samesite="lax",
    )


def clear_cookie(request: Request, response: Response, base: str) -> None:
    response.delete_cookie(
        cookie_name(request, base),
        path="/",
        secure=on_https(request),
        httponly=True,
        samesite="lax",
    )


def sign_in_url(next_path: str | None = None) -> str:
    return "/sign-in" + (f"?{urlencode({'next': next_path})}" if next_path else "")


def _back_to(request: Request) -> str | None:
    """The page to come back to after signing in: its whole address if it is short enough to
    carry, else its path alone (a filtered page's long address sent people to a 422)."""
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    for candidate in (path, request.url.path):
        if len(candidate) <= MAX_NEXT:
            return candidate
    return None


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    if wants_html(request) and request.method in ("GET", "HEAD"):
        return RedirectResponse(sign_in_url(_back_to(request)), status_code=303)
    assert isinstance(exc, SignInRequired)
    return problem(request, 401, "Sign in first", exc.detail)


def install_auth_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in_required)
