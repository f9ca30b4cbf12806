"""Managing people, for moderators and admins: /people lists every account and invites a new one;
/people/{id}/revoke asks, then revokes (ending that person's sessions and links)."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from app.core.accounts import Account
from app.core.principals import ROLES
from app.store.db import Session
from app.web.deps import AccountsDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.form_page import FormPage, see_other
from app.web.pages.moderation_nav import render_moderation

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ROLE_CHOICES = {
    "council": ("Council officer", "Submits case studies for one council and follows them."),
    "moderator": ("Moderator", "Reviews and publishes case studies, and invites people."),
    "admin": ("Admin", "Everything a moderator does, and manages admins' accounts."),
}
FORM = FormPage(
    "people.html", {"email": "", "role": "", "council": ""}, first_field="email", nav="/people"
)


PER_PAGE = 25


def _listing(
    session: Session, accounts: AccountsDep, account: Account, find: str = "", page: int = 1
) -> dict[str, Any]:
    everyone = accounts.list_accounts(session)
    return _found(everyone, find[:200].strip(), page) | {
        "roles": {r: ROLE_CHOICES[r] for r in ROLES if account.may_invite(r)},
    }


@router.get("/people")
def people(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    invited: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    revoked: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    find: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    notice = None
    if invited or revoked:
        done = accounts.get(session, invited or revoked or 0)
        notice = (
            f"Invitation sent to {done.email}" if invited else f"{done.email} can no longer sign in"
        )
    return FORM.show(request, _listing(session, accounts, account, find, page), notice)


def _found(people: list[Account], find: str, page: int) -> dict[str, Any]:
    """Those whose address or council holds `find` (any case), PER_PAGE at a time: everyone on
    one page was 7,500 px on a phone with 27 accounts, and a person to revoke could be thousands
    of pixels down. A page past the last shows the last."""
    wanted = find.casefold()
    found = [p for p in people if wanted in f"{p.email} {p.council or ''}".casefold()]
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(page, pages)
    first = (page - 1) * PER_PAGE
    query: dict[str, str | int] = {"find": find} if find else {}

    def page_link(n: int) -> str:
        asked = urlencode(query | ({"page": n} if n > 1 else {}))
        return f"/people?{asked}" if asked else "/people"

    return {
        "people": found[first : first + PER_PAGE],
        "matched": len(found),
        "first": first + 1,
        "find": find,
        "everyone": len(people),
        "page": page,
        "pages": pages,
        "page_link": page_link,
    }


@router.post("/people")
def invite(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    council: Annotated[str, Form()] = "",
) -> Response:
    def invited() -> str:
        person = accounts.invite(session, account, email, role, council)
        return f"/people?invited={person.id}"

    form = {"email": email, "role": role, "council": council}
    return FORM.post(request, form, invited, lambda: _listing(session, accounts, account))


@router.get("/people/{account_id}/revoke")
def revoke_page(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    account_id: AccountId,
) -> Response:
    person = accounts.get(session, account_id)
    return render_moderation(request, "revoke.html", "/people", {"person": person})


@router.post("/people/{account_id}/revoke")
def revoke(
    request: Request,
    session: SessionDep,
    accounts: AccountsDep,
    account: ModeratorUserDep,
    account_id: AccountId,
) -> Response:
    accounts.revoke(session, account, account_id)
    return see_other(f"/people?revoked={account_id}")
