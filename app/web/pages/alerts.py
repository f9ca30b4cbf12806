"""Email alerts in the browser: the form on every results page (and on its own page, where its
errors are shown), "check your email", confirming, one-click unsubscribing, and managing an
address's alerts through a signed link, with no account.

No CSRF cookie here: the subscribe form is anonymous and sits on the cacheable results page (a
cookie would make it uncacheable), so these forms are refused, as csrf.py refuses a missing
token, unless the browser says the post came from this site (Fetch Metadata's Sec-Fetch-Site, or
Origin where that is missing; every current browser sends one of them with a form post). The
subscribe form is limited per address and per client too, and double opt-in means nobody gets
alerts they did not confirm; the other forms carry a signed token only the address's owner has.
The unsubscribe address alone takes any post with a valid token: RFC 8058's one-click POST comes
from a mail provider's server, with no cookies and no Origin.
"""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from app.core.errors import Invalid, NotFound, TooMany
from app.services.alert_frequency import change_frequency
from app.services.alert_tokens import LIFETIMES, LinkExpired
from app.services.alert_words import describe
from app.services.alerts import AlertService, AlertView
from app.store.db import Session
from app.web import csrf
from app.web.deps import AlertsDep, SessionDep, VocabularyDep
from app.web.pages import page_query
from app.web.pages.rendering import field_errors, render
from app.web.pages.templating import SEARCH_KEYS, Link


async def same_site(request: Request) -> None:
    """Refuse a form post that the browser does not say came from this site (as csrf.py does)."""
    if request.method == "POST" and not from_this_site(request):
        raise csrf.FormRefused()


router = APIRouter(include_in_schema=False)
SameSite = [Depends(same_site)]
PRIVATE = {"Referrer-Policy": "no-referrer"}  # the pages' addresses hold their tokens
Token = Annotated[str, Query(max_length=500)]
TokenField = Annotated[str, Form(max_length=500)]
MAX_SEARCH = 8000  # characters of a search's query string
FREQUENCIES = (
    ("immediate", "As soon as they are published"),
    ("daily", "Once a day"),
    ("weekly", "Once a week"),
)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def from_this_site(request: Request) -> bool:
    """Whether the browser says a post came from one of this site's pages."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    ours = {str(request.base_url).rstrip("/")}
    public = request.app.state.settings.public_url
    if public:
        parts = urlsplit(public)
        ours.add(f"{parts.scheme}://{parts.netloc}")
    return origin.rstrip("/") in ours


def _form_page(
    request: Request,
    vocabulary: VocabularyDep,
    query: QueryParams,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    search = page_query.read(query, vocabulary).request
    link = Link.of_search(search)
    context = {
        "words": describe(search, vocabulary),
        "search": link.without("sort").without("per_page").query(),
        "search_url": link.url(),
        "frequencies": FREQUENCIES,
        "values": values,
        "errors": errors or {},
        "days": LIFETIMES["confirm"].days,
    }
    return render(request, "alert_new.html", context, status, headers)


@router.get("/alerts/new")
def new_alert(request: Request, vocabulary: VocabularyDep) -> Response:
    return _form_page(request, vocabulary, request.query_params, {})


@router.post("/alerts", dependencies=SameSite)
async def subscribe(
    request: Request, session: SessionDep, service: AlertsDep, vocabulary: VocabularyDep
) -> Response:
    form = await request.form()
    # The search comes as one field holding its query string (its own fields would share their
    # names with the search form's checkboxes, in which the alert form's fields sit).
    searched = QueryParams(str(form.get("search", ""))[:MAX_SEARCH])
    query = QueryParams([(k, v) for k, v in searched.multi_items() if k in SEARCH_KEYS])
    email, frequency = str(form.get("email", ""))[:1000], str(form.get("frequency", ""))
    search = page_query.read(query, vocabulary).request
    try:
        service.subscribe(session, email, frequency or None, search, _client(request))
    except (Invalid, TooMany) as error:
        status, headers = 422, {}
        if isinstance(error, TooMany):
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        values = {"email": email, "frequency": frequency}
        errors = field_errors(error, "email")
        return _form_page(request, vocabulary, query, values, errors, status, headers)
    # The search goes along, so that "Back to the search" returns to the results the person
    # signed up from, not to an empty search box.
    return RedirectResponse(Link.of_search(search).url("/alerts/check-email"), status_code=303)


@router.get("/alerts/check-email")
def check_email(request: Request, vocabulary: VocabularyDep) -> Response:
    query = QueryParams([(k, v) for k, v in request.query_params.multi_items() if k in SEARCH_KEYS])
    back = Link.of_search(page_query.read(query, vocabulary).request).url()
    context = {"days": LIFETIMES["confirm"].days, "back": back}
    return render(request, "alert_check_email.html", context)


def _link_failed(request: Request, error: Exception) -> Response:
    expired = isinstance(error, LinkExpired)
    detail = error.detail if isinstance(error, Invalid | NotFound) else str(error)
    status = 410 if expired or isinstance(error, NotFound) else 400
    return render(
        request,
        "alert_link_failed.html",
        {"detail": detail, "expired": expired},
        status,
        PRIVATE,
    )


@router.get("/alerts/confirm")
def confirm_page(
    request: Request, session: SessionDep, service: AlertsDep, token: Token = ""
) -> Response:
    """What the link would confirm, with a button: a mail scanner that opens the link
    confirms nothing."""
    try:
        alert = service.pending(session, token)
    except (Invalid, NotFound) as error:
        return _link_failed(request, error)
    context = {"alert": alert, "token": token}
    return render(request, "alert_confirm.html", context, headers=PRIVATE)


def _done(
    request: Request,
    session: Session,
    service: AlertService,
    template: str,
    act: Callable[[Session, str], AlertView],
    token: str,
) -> Response:
    """Do what a link's button asks, and show the alert with its manage link; or say why the
    link no longer works."""
    try:
        alert = act(session, token)
    except (Invalid, NotFound) as error:
        return _link_failed(request, error)
    context = {"alert": alert, "manage_url": service.manage_link_for(session, alert.id)}
    return render(request, template, context, headers=PRIVATE)


@router.post("/alerts/confirm", dependencies=SameSite)
def confirm(
    request: Request, session: SessionDep, service: AlertsDep, token: TokenField
) -> Response:
    return _done(request, session, service, "alert_confirmed.html", service.confirm, token)


@router.get("/alerts/keep")
def keep_page(
    request: Request, session: SessionDep, service: AlertsDep, token: Token = ""
) -> Response:
    """The alert a "Keep this alert" link is for, with a button (opening the link keeps
    nothing, so a mail scanner cannot keep an alert its owner let go)."""
    try:
        alert = service.keeping_alert(session, token)
    except (Invalid, NotFound) as error:
        return _link_failed(request, error)
    return render(request, "alert_keep.html", {"alert": alert, "token": token}, headers=PRIVATE)


@router.post("/alerts/keep", dependencies=SameSite)
def keep(request: Request, session: SessionDep, service: AlertsDep, token: TokenField) -> Response:
    return _done(request, session, service, "alert_kept.html", service.keep, token)


@router.get("/alerts/unsubscribe")
def unsubscribe_page(
    request: Request, session: SessionDep, service: AlertsDep, token: Token = ""
) -> Response:
    """The alert an unsubscribe link stops, named, with a button (opening the link stops
    nothing, so a mail scanner cannot stop an alert)."""
    try:
        alert = service.unsubscribing(session, token)
    except Invalid as error:
        return _link_failed(request, error)
    manage_url = service.manage_link_for(session, alert.id) if alert else None
    context = {"token": token, "alert": alert, "manage_url": manage_url}
    return render(request, "alert_unsubscribe.html", context, headers=PRIVATE)


@router.post("/alerts/unsubscribe")
def unsubscribe(
    request: Request, session: SessionDep, service: AlertsDep, token: Token = ""
) -> Response:
    """RFC 8058's one-click unsubscribe (a mail provider posts List-Unsubscribe=One-Click, with
    no cookies), and the button on the page above: the signed token is all it needs."""
    try:
        stopped = service.unsubscribe(session, token)
    except Invalid as error:
        return _link_failed(request, error)
    return render(request, "alert_stopped.html", {"stopped": stopped}, headers=PRIVATE)


@router.get("/alerts/manage")
def manage_page(
    request: Request,
    session: SessionDep,
    service: AlertsDep,
    token: Token = "",
    stopped: Annotated[int, Query(ge=0, le=1000)] = 0,
    kept: Annotated[int, Query(ge=0, le=1000)] = 0,
    changed: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    done = {"stopped": stopped, "kept": kept, "changed": changed}
    return _manage(request, session, service, token, done)


def _manage(
    request: Request,
    session: Session,
    service: AlertService,
    token: str,
    done: dict[str, int],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    try:
        found = service.list_alerts(session, token)
    except Invalid as error:
        return _link_failed(request, error)
    context = {"alerts": found, "token": token, "frequencies": FREQUENCIES, **done}
    context["errors"] = errors or {}
    return render(request, "alert_manage.html", context, status, PRIVATE)


@router.post("/alerts/manage/frequency", dependencies=SameSite)
def change_how_often(
    request: Request,
    session: SessionDep,
    service: AlertsDep,
    token: TokenField,
    alert: Annotated[int, Form(ge=0)],
    frequency: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The manage page's "Change" button: then the page again, saying what changed."""
    try:
        change_frequency(service, session, token, alert, frequency)
    except (Invalid, NotFound) as error:
        if isinstance(error, Invalid) and error.errors:  # the choice, not the link
            errors = {f"frequency-{alert}": error.detail}
            return _manage(request, session, service, token, {}, errors, 422)
        return _link_failed(request, error)
    query = urlencode({"token": token, "changed": alert})
    return RedirectResponse(f"/alerts/manage?{query}", status_code=303)


@router.post("/alerts/manage", dependencies=SameSite)
def stop_alerts(
    request: Request,
    session: SessionDep,
    service: AlertsDep,
    token: TokenField,
    alert: Annotated[list[int], Form(max_length=1000)] = [],  # noqa: B006
) -> Response:
    return _back_to_manage(request, token, "stopped", lambda: service.stop(session, token, alert))


@router.post("/alerts/manage/keep", dependencies=SameSite)
def keep_alerts(
    request: Request,
    session: SessionDep,
    service: AlertsDep,
    token: TokenField,
    alert: Annotated[list[int], Form(max_length=1000)] = [],  # noqa: B006
) -> Response:
    """The manage page's "Keep" button: the same as the emailed "Keep this alert" link."""
    return _back_to_manage(request, token, "kept", lambda: service.keep_some(session, token, alert))


def _back_to_manage(request: Request, token: str, done: str, act: Callable[[], int]) -> Response:
    """Do what a manage page's button asks, then show the page again saying how many it did."""
    try:
        count = act()
    except Invalid as error:
        return _link_failed(request, error)
    query = urlencode({"token": token, done: count})
    return RedirectResponse(f"/alerts/manage?{query}", status_code=303)


@router.post("/alerts/manage-link", dependencies=SameSite)
def send_manage_link(
    request: Request,
    session: SessionDep,
    service: AlertsDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Email a new manage link (for an expired one); the same answer for any address."""
    try:
        service.send_manage_link(session, email, _client(request))
    except (Invalid, TooMany) as error:
        status = 429 if isinstance(error, TooMany) else 422
        context = {"detail": "", "expired": True, "email": email}
        context["errors"] = field_errors(error, "email")
        return render(request, "alert_link_failed.html", context, status, PRIVATE)
    return render(request, "alert_check_email.html", {"manage": True}, headers=PRIVATE)
