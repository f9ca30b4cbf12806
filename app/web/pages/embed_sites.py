"""The websites allowed to embed the service, for moderators and admins: /moderation/embeds
lists them and adds one (a page's address pasted for its website's adds the website, which is
all a browser names); /moderation/embeds/{id}/remove asks, then removes it. The same list the
API manages (app/services/embed_origins.py); a change reaches every worker within seconds."""

from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from app.core.accounts import Account
from app.core.errors import NotFound
from app.core.origins import EXAMPLE, MAX_ORIGIN_CHARS
from app.store.db import Session
from app.web.deps import (
    AccountsDep,
    EmbedOriginsDep,
    ModeratorUserDep,
    SessionDep,
    csrf_protect,
)
from app.web.pages.actors import actor_names
from app.web.pages.form_page import FormPage, required, see_other
from app.web.pages.moderation_nav import render_moderation

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
OriginId = Annotated[int, Path(ge=1, le=2**62)]
HERE = "/moderation/embeds"
FORM = FormPage("embed_sites.html", {"origin": "", "note": ""}, first_field="origin", nav=HERE)


def _listing(
    session: Session, origins: EmbedOriginsDep, account: Account, people: AccountsDep
) -> dict[str, Any]:
    return {
        "origins": origins.list_origins(session, account.principal),
        "example": EXAMPLE,
        "who": actor_names(session, people),
    }


@router.get(HERE)
def embed_sites(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    people: AccountsDep,
    added: Annotated[str | None, Query(max_length=MAX_ORIGIN_CHARS)] = None,
    removed: Annotated[str | None, Query(max_length=MAX_ORIGIN_CHARS)] = None,
    whole: Annotated[bool, Query()] = False,
) -> Response:
    notice = None
    if added:
        notice = f"{added} may now embed the search" + (", on any of its pages" if whole else "")
    elif removed:
        notice = f"{removed} can no longer embed the search"
    return FORM.show(request, _listing(session, origins, account, people), notice)


@router.post(HERE)
def add(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    people: AccountsDep,
    origin: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    def added() -> str:
        required(origin.strip(), "origin", "Enter the website's address")
        site, trimmed = site_of(origin)
        done = origins.add_origin(session, account.principal, site, note.strip() or None)
        return (
            f"{HERE}?{urlencode({'added': done.origin, **({'whole': 'true'} if trimmed else {})})}"
        )

    form = {"origin": origin, "note": note}
    return FORM.post(request, form, added, lambda: _listing(session, origins, account, people))


def site_of(text: str) -> tuple[str, bool]:
    """The website a pasted page address is on (a web editor copies the page they will put the
    search on), and whether a page was left off; anything else as it was, for the checks."""
    raw = text.strip()
    try:
        parts = urlsplit(raw)
    except ValueError:
        return raw, False
    page = parts.path.strip("/") or parts.query or parts.fragment
    if parts.scheme.lower() in ("http", "https") and parts.netloc and page:
        return urlunsplit((parts.scheme, parts.netloc, "", "", "")), True
    return raw, False


def _find(session: Session, origins: EmbedOriginsDep, account: Account, origin_id: int) -> str:
    for found in origins.list_origins(session, account.principal):
        if found.id == origin_id:
            return found.origin
    raise NotFound(f"No website number {origin_id} is on the list.")


@router.get(HERE + "/{origin_id}/remove")
def remove_page(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    origin_id: OriginId,
    people: AccountsDep,
) -> Response:
    try:
        origin = _find(session, origins, account, origin_id)
    except NotFound as error:
        return _gone(request, error, session, origins, account, people)
    context = {"origin": origin, "origin_id": origin_id}
    return render_moderation(request, "embed_site_remove.html", HERE, context)


@router.post(HERE + "/{origin_id}/remove")
def remove(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    origin_id: OriginId,
    people: AccountsDep,
) -> Response:
    try:
        removed = origins.remove_origin(session, account.principal, origin_id)
    except NotFound as error:
        return _gone(request, error, session, origins, account, people)
    return see_other(f"{HERE}?{urlencode({'removed': removed.origin})}")


def _gone(
    request: Request,
    error: NotFound,
    session: Session,
    origins: EmbedOriginsDep,
    account: Account,
    people: AccountsDep,
) -> Response:
    said = (
        "That website is no longer on the list: it was removed after the page you came from "
        "was opened. The list below is as it is now."
    )
    return FORM.gone(request, error, lambda: _listing(session, origins, account, people), said)
