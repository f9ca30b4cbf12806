"""API keys in the browser, for moderators and admins: /moderation/keys lists every key (its
number, prefix, role, council and when it was last used; never its secret), and
/moderation/keys/{id}/revoke asks, then stops it at once. Keys are made on the command line."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.services import api_keys
from app.web.deps import ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.moderation_nav import render_moderation

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1)]
HERE = "/moderation/keys"


@router.get(HERE)
def keys(
    request: Request,
    session: SessionDep,
    account: ModeratorUserDep,
    revoked: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    found = api_keys.list_keys(session, account.principal)
    done = next((k for k in found if k.id == revoked), None)
    context = {
        "keys": found,
        "notice": f"Key {done.prefix}… no longer works" if done else None,
        "revocable": {k.id for k in found if api_keys.may_revoke(account.principal, k)},
    }
    return render_moderation(request, "api_keys.html", HERE, context)


@router.get(HERE + "/{key_id}/revoke")
def revoke_page(
    request: Request, session: SessionDep, account: ModeratorUserDep, key_id: KeyId
) -> Response:
    key = api_keys.key_to_revoke(session, account.principal, key_id)
    return render_moderation(request, "api_key_revoke.html", HERE, {"key": key})


@router.post(HERE + "/{key_id}/revoke")
def revoke(
    request: Request, session: SessionDep, account: ModeratorUserDep, key_id: KeyId
) -> Response:
    api_keys.revoke_key(session, account.principal, key_id)
    return RedirectResponse(f"{HERE}?revoked={key_id}", status_code=303)
