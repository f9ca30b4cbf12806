"""Managing people, for moderators and admins: /people lists every account and invites a new one;
/people/{id}/revoke asks, then revokes (ending that person's sessions and links)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.accounts import Account
from app.core.errors import Conflict, Invalid
from app.core.principals import ROLES
from app.web.deps import AccountsDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ROLE_CHOICES = {
    "council": ("Council officer", "Submits case studies for one council and follows them."),
    "moderator": ("Moderator", "Reviews and publishes case studies, and invites people."),
    "admin": ("Admin", "Everything a moderator does, and manages admins' accounts."),
}


def _people_page(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: Account,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "people": accounts.list_accounts(session),
        "roles": {r: ROLE_CHOICES[r] for r in ROLES if account.may_invite(r)},
        "form": form or {"email": "", "role": "", "council": ""},
        "errors": errors or {},
        "notice": notice,
    }
    return render(request, "people.html", context, status_code)


@router.get("/people")
def people(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    invited: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    revoked: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    notice = None
    if invited or revoked:
        done = accounts.get(session, invited or revoked or 0)
        notice = (
            f"Invitation sent to {done.email}" if invited else f"{done.email} can no longer sign in"
        )
    return _people_page(request, session, accounts, account, notice=notice)


@router.post("/people")
def invite(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    email: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    council: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    form = {"email": email, "role": role, "council": council}
    try:
        invited = accounts.invite(session, account, email, role, council)
    except (Invalid, Conflict) as error:
        if not wants_html(request):
            raise  # problem+json for anything but a browser
        errors = field_errors(error, "email")
        return _people_page(request, session, accounts, account, form, errors, status_code=422)
    return RedirectResponse(f"/people?invited={invited.id}", status_code=303)


@router.get("/people/{account_id}/revoke")
def revoke_page(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    account_id: AccountId,
) -> Response:
    person = accounts.get(session, account_id)
    return render(request, "revoke.html", {"person": person})


@router.post("/people/{account_id}/revoke")
def revoke(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    account_id: AccountId,
) -> Response:
    accounts.revoke(session, account, account_id)
    return RedirectResponse(f"/people?revoked={account_id}", status_code=303)
