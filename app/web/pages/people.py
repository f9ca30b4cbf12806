"""Managing people, for moderators and admins: /people lists every account and invites a new one;
/people/{id}/revoke asks, then revokes (ending that person's sessions and links)."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from app.core.accounts import ROLE_NAMES, STATE_NAMES, Account
from app.core.principals import ROLES
from app.store.db import Session
from app.web.deps import AccountsDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.form_page import FormPage, see_other
from app.web.pages.moderation_nav import render_moderation

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ROLE_CHOICES = {
    "council": (ROLE_NAMES["council"], "Submits case studies for one council and follows them."),
    "moderator": (
        ROLE_NAMES["moderator"],
        "Reviews and publishes case studies, and invites people.",
    ),
    "admin": (ROLE_NAMES["admin"], "Everything a moderator does, and manages admins' accounts."),
}
# The People page's filters, as its selects word them: who does what, and whether they may sign in.
ROLE_FILTER = {"council": "Council officers", "moderator": "Moderators", "admin": "Admins"}
STATE_FILTER = STATE_NAMES
RoleFilter = Literal["", "council", "moderator", "admin"]
StateFilter = Literal["", "invited", "active", "revoked"]
FORM = FormPage(
    "people.html", {"email": "", "role": "", "council": ""}, first_field="email", nav="/people"
)


PER_PAGE = 25


@dataclass(frozen=True)
class Wanted:
    """Who the list shows: an address or council holding `find`, in `role` and `state` (each
    empty for any)."""

    find: str = ""
    role: RoleFilter = ""
    state: StateFilter = ""

    def holds(self, person: Account) -> bool:
        return (
            self.find.casefold() in f"{person.email} {person.council or ''}".casefold()
            and self.role in ("", person.role)
            and self.state in ("", person.state)
        )

    def query(self) -> dict[str, str]:
        """The non-empty filters, for the pages' links."""
        return {k: v for k, v in vars(self).items() if v}


def _listing(
    session: Session, accounts: AccountsDep, account: Account, wanted: Wanted, page: int = 1
) -> dict[str, Any]:
    everyone = accounts.list_accounts(session)
    return _found(everyone, wanted, page) | {
        "roles": {r: ROLE_CHOICES[r] for r in ROLES if account.may_invite(r)},
        "role_filter": ROLE_FILTER,
        "role_names": ROLE_NAMES,
        "state_filter": STATE_FILTER,
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
    role: RoleFilter = "",
    state: StateFilter = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    notice = None
    if invited or revoked:
        done = accounts.get(session, invited or revoked or 0)
        notice = (
            f"Invitation sent to {done.email}" if invited else f"{done.email} can no longer sign in"
        )
    wanted = Wanted(find[:200].strip(), role, state)
    return FORM.show(request, _listing(session, accounts, account, wanted, page), notice)


def _found(people: list[Account], wanted: Wanted, page: int) -> dict[str, Any]:
    """Those `wanted` holds, PER_PAGE at a time: everyone on one page was 7,500 px on a phone
    with 27 accounts, and a person to revoke could be thousands of pixels down. A page past the
    last shows the last."""
    found = [p for p in people if wanted.holds(p)]
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(page, pages)
    first = (page - 1) * PER_PAGE
    query = wanted.query()

    def page_link(n: int) -> str:
        asked = urlencode(query | ({"page": str(n)} if n > 1 else {}))
        return f"/people?{asked}" if asked else "/people"

    return {
        "people": found[first : first + PER_PAGE],
        "matched": len(found),
        "first": first + 1,
        "find": wanted.find,
        "wanted": wanted,
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
    return FORM.post(request, form, invited, lambda: _listing(session, accounts, account, Wanted()))


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
