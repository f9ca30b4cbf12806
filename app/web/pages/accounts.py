"""Signing in and out: ask for a link at /sign-in, open it, press "Sign in" (a mail scanner that
opens the link signs nobody in), and sign out. The same answer whether or not an address has an
account."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.accounts import Account
from app.core.errors import Invalid, TooMany
from app.services.accounts import LINK_USED, local_path
from app.web import auth
from app.web.deps import AccountsDep, OptionalUserDep, SessionDep, csrf_protect
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
# The link's page must not pass its address (with the token) on to anything it links to.
PRIVATE = {"Referrer-Policy": "no-referrer"}
TokenField = Annotated[str, Form(max_length=200)]
NextField = Annotated[str | None, Form(max_length=200)]
# The page to go back to, in a link: one too long to keep is dropped (local_path), not a 422.
NextQuery = Annotated[str | None, Query()]


def home_for(account: Account) -> str:
    """Where a person starts after signing in."""
    return "/my/submissions" if account.role == "council" else "/moderation"


@router.get("/sign-in")
def sign_in_page(
    request: Request,
    account: OptionalUserDep,
    next: NextQuery = None,
) -> Response:
    return render(request, "sign_in.html", {"email": "", "next": local_path(next)})


@router.post("/sign-in")
def ask_for_link(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    email: Annotated[str, Form()] = "",
    next: NextField = None,
) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        accounts.request_link(session, email, client, next)
    except (Invalid, TooMany) as error:
        if not wants_html(request):
            raise  # problem+json for anything but a browser
        status, headers = 422, {}
        if isinstance(error, TooMany):
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        context = {"email": email, "next": local_path(next), "errors": field_errors(error, "email")}
        return render(request, "sign_in.html", context, status, headers)
    return RedirectResponse("/sign-in/check-email", status_code=303)


@router.get("/sign-in/check-email")
def check_email(request: Request, account: OptionalUserDep) -> Response:
    return render(request, "check_email.html", {"minutes": _minutes(request)})


def _minutes(request: Request) -> int:
    return int(request.app.state.settings.sign_in_link_minutes)


@router.get("/sign-in/confirm")
def confirm_page(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    token: Annotated[str, Query(max_length=200)] = "",
    next: NextQuery = None,
) -> Response:
    if not accounts.link_works(session, token):
        return _link_used(request)
    context = {"token": token, "next": local_path(next)}
    return render(request, "confirm.html", context, headers=PRIVATE)


def _link_used(request: Request) -> Response:
    return render(request, "link_used.html", {"detail": LINK_USED}, 410, PRIVATE)


@router.post("/sign-in/confirm")
def confirm(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    token: TokenField,
    next: NextField = None,
) -> Response:
    try:
        signed_in = accounts.sign_in(session, token)
    except Invalid:
        return _link_used(request)
    previous = auth.session_secret(request)
    if previous:  # a new session every time: never carry on one the browser came with
        accounts.sign_out(session, previous)
    response = RedirectResponse(local_path(next) or home_for(signed_in.account), status_code=303)
    auth.set_cookie(request, response, auth.SESSION, signed_in.secret, signed_in.expires_at)
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, accounts: AccountsDep) -> Response:
    secret = auth.session_secret(request)
    if secret:
        accounts.sign_out(session, secret)
    response = RedirectResponse("/signed-out", status_code=303)
    auth.clear_cookie(request, response, auth.SESSION)
    return response


@router.get("/signed-out")
def signed_out(request: Request, account: OptionalUserDep) -> Response:
    return render(request, "signed_out.html")
