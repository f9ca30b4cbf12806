"""/moderation/best-bets, for moderators and admins: pin up to three published case studies to a
query (shown first, marked Recommended), and unpin them. The same use cases as
/api/v1/best-bets."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.accounts import Account
from app.core.errors import Conflict, Invalid
from app.web.deps import BestBetsDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/moderation/best-bets"
BetId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MATCHES = {
    "exact": ("Exactly this search", "Case, spaces and punctuation aside."),
    "words": ("Any search with all these words", "In any order, with other words too."),
}


def _page(
    request: Request,
    session: SessionDep,
    bets: BestBetsDep,
    account: Account,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    choices = bets.choices(session, account.principal)
    context = {
        "bets": bets.list_best_bets(session, account.principal),
        "choices": choices,
        "titles": dict(choices),
        "matches": MATCHES,
        "form": form or {"query": "", "slug": "", "match": "exact"},
        "errors": errors or {},
        "notice": notice,
    }
    return render(request, "moderation_best_bets.html", context, status_code)


@router.get(PAGE)
def best_bets_page(
    request: Request,
    session: SessionDep,
    bets: BestBetsDep,
    account: ModeratorUserDep,
    pinned: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    unpinned: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    notice = "Unpinned" if unpinned else None
    for bet in bets.list_best_bets(session, account.principal) if pinned else []:
        if bet.id == pinned:
            notice = f"Pinned to “{bet.query}”, in position {bet.position}"
    return _page(request, session, bets, account, notice=notice)


@router.post(PAGE)
def pin(
    request: Request,
    session: SessionDep,
    bets: BestBetsDep,
    account: ModeratorUserDep,
    query: Annotated[str, Form(max_length=1000)] = "",
    slug: Annotated[str, Form(max_length=200)] = "",
    match: Annotated[str, Form(max_length=10)] = "exact",
) -> Response:
    form = {"query": query, "slug": slug, "match": match}
    try:
        if not slug:
            raise Invalid(
                "Choose the case study to pin.",
                [{"detail": "Choose the case study to pin.", "pointer": "#/slug"}],
            )
        bet = bets.pin(
            session, account.principal, query, slug, "words" if match == "words" else "exact"
        )
    except (Invalid, Conflict) as error:
        if not wants_html(request):
            raise
        errors = field_errors(error, "query")
        return _page(request, session, bets, account, form, errors, status_code=422)
    return RedirectResponse(f"{PAGE}?pinned={bet.id}", status_code=303)


@router.post(PAGE + "/{bet_id}/unpin")
def unpin(
    session: SessionDep, bets: BestBetsDep, account: ModeratorUserDep, bet_id: BetId
) -> Response:
    bets.unpin(session, account.principal, bet_id)
    return RedirectResponse(f"{PAGE}?unpinned=1", status_code=303)
