"""The websites allowed to embed the service, for moderators and admins: /moderation/embeds
lists them and adds one; /moderation/embeds/{id}/remove asks, then removes it. The same list
the API manages (app/services/embed_origins.py); a change reaches every worker within seconds."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.accounts import Account
from app.core.errors import Conflict, Invalid, NotFound
from app.core.origins import EXAMPLE, MAX_ORIGIN_CHARS
from app.store.db import Session
from app.web.deps import EmbedOriginsDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.moderation_nav import render_moderation
from app.web.pages.rendering import field_errors
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
OriginId = Annotated[int, Path(ge=1, le=2**62)]
HERE = "/moderation/embeds"


def _list_page(
    request: Request,
    session: Session,
    origins: EmbedOriginsDep,
    account: Account,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "origins": origins.list_origins(session, account.principal),
        "form": form or {"origin": "", "note": ""},
        "errors": errors or {},
        "notice": notice,
        "example": EXAMPLE,
    }
    return render_moderation(request, "embed_sites.html", HERE, context, status_code)


@router.get(HERE)
def embed_sites(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    added: Annotated[str | None, Query(max_length=MAX_ORIGIN_CHARS)] = None,
    removed: Annotated[str | None, Query(max_length=MAX_ORIGIN_CHARS)] = None,
) -> Response:
    notice = None
    if added:
        notice = f"{added} may now embed the search"
    elif removed:
        notice = f"{removed} can no longer embed the search"
    return _list_page(request, session, origins, account, notice=notice)


@router.post(HERE)
def add(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    origin: Annotated[str, Form(max_length=MAX_ORIGIN_CHARS * 2)] = "",
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    form = {"origin": origin, "note": note}
    try:
        if not origin.strip():
            raise Invalid(
                "Enter the website's address",
                [{"detail": "Enter the website's address", "pointer": "#/origin"}],
            )
        added = origins.add_origin(session, account.principal, origin, note.strip() or None)
    except (Invalid, Conflict) as error:
        if not wants_html(request):
            raise
        errors = field_errors(error, "origin")
        return _list_page(request, session, origins, account, form, errors, status_code=422)
    return RedirectResponse(f"{HERE}?{urlencode({'added': added.origin})}", status_code=303)


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
) -> Response:
    origin = _find(session, origins, account, origin_id)
    context = {"origin": origin, "origin_id": origin_id}
    return render_moderation(request, "embed_site_remove.html", HERE, context)


@router.post(HERE + "/{origin_id}/remove")
def remove(
    request: Request,
    session: SessionDep,
    origins: EmbedOriginsDep,
    account: ModeratorUserDep,
    origin_id: OriginId,
) -> Response:
    removed = origins.remove_origin(session, account.principal, origin_id)
    return RedirectResponse(f"{HERE}?{urlencode({'removed': removed.origin})}", status_code=303)
