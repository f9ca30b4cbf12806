"""CSRF protection for every form that changes anything: each form carries a token, and a post
whose token is missing or wrong is refused (403, in plain words) before its route runs.

Signed in, the token is derived from the session's secret (a synchronizer token, which nobody
without the HttpOnly session cookie can know); before signing in, it is a random value that is
also kept in an HttpOnly cookie (double submit), so the sign-in forms are covered too. No signing
key is needed, so any number of workers and replicas agree without sharing one.

Why not asgi-csrf: its token is not bound to the session, so its signing key adds nothing here
while needing one shared secret per deployment; it checks bodies outside FastAPI's error handling
(a malformed body is a 500) and refuses in plain text. Here the check is a dependency of the page
routers, reading the form FastAPI parses anyway.
"""

import hashlib
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import Response

from app.web.auth import cookie_name, set_cookie
from app.web.problems import problem, wants_html

FIELD = "csrf_token"
COOKIE = "bf_csrf"
SAFE = ("GET", "HEAD", "OPTIONS")


class FormRefused(Exception):
    """A post without the right token; `typed`, the words it carried (field, text)."""

    def __init__(self, typed: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.typed = typed or []


# What a form carries that nobody typed: the check itself, and the forms' hidden fields.
NOT_TYPED = {FIELD, "version", "action", "checking", "token", "next"}


def _derived(session_secret: str) -> str:
    return hashlib.sha256(b"csrf\0" + session_secret.encode()).hexdigest()


def _cookie(request: Request) -> str | None:
    value = request.cookies.get(cookie_name(request, COOKIE), "")
    return value if 32 <= len(value) <= 64 else None


def expected(request: Request) -> str | None:
    """The token a form from this browser must carry (None: it has none yet)."""
    signed_in: str | None = getattr(request.state, "session_secret", None)
    return _derived(signed_in) if signed_in else _cookie(request)


def token(request: Request) -> str:
    """The token to put in a form; a new one (set as a cookie by `remember`) if need be."""
    found = expected(request) or getattr(request.state, "new_csrf", None)
    if found is None:
        found = request.state.new_csrf = secrets.token_urlsafe(32)
    return found


def remember(request: Request, response: Response) -> None:
    """Set the cookie of a token made for this page."""
    new: str | None = getattr(request.state, "new_csrf", None)
    if new is not None:
        set_cookie(request, response, COOKIE, new)


async def check(request: Request) -> None:
    """Refuse an unsafe request whose form does not carry the expected token."""
    if request.method in SAFE:
        return
    form = await request.form()
    sent, wanted = form.get(FIELD), expected(request)
    if not (isinstance(sent, str) and wanted and secrets.compare_digest(sent, wanted)):
        typed = [(name, value.strip()) for name, value in form.multi_items()
                 if name not in NOT_TYPED and isinstance(value, str) and value.strip()]  # fmt: skip
        raise FormRefused(typed)


async def _refused(request: Request, exc: Exception) -> Response:
    """A person's words are shown back to them to copy (a session that ended while an officer
    wrote for an hour lost the lot: going back found the sign-in page); else the plain refusal."""
    assert isinstance(exc, FormRefused)
    if exc.typed and wants_html(request):
        from app.web.pages.templating import templates  # pages only

        kept = {"typed": exc.typed, "status": 403}
        return templates.TemplateResponse(request, "form_expired.html", kept, status_code=403)
    return problem(
        request,
        403,
        "This form has expired",
        "The form was sent without the check that shows it came from this site, or the check "
        "has expired (after signing in or out, for example). Go back, reload the page and try "
        "again.",
    )


def install_csrf_handler(app: FastAPI) -> None:
    app.add_exception_handler(FormRefused, _refused)
