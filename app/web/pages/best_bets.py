"""/moderation/best-bets, for moderators and admins: pin up to three published case studies to a
query (shown first, marked Recommended), move them up or down, and unpin them. The same use
cases as /api/v1/best-bets."""

from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from app.core.accounts import Account
from app.core.curation import MAX_PHRASE, MAX_PINS, BestBet, Match
from app.core.errors import Conflict, Error, Invalid, NotFound
from app.services.accounts import AccountService
from app.services.best_bets import BestBets
from app.store.db import Session
from app.web.deps import AccountsDep, BestBetsDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.actors import actor_names
from app.web.pages.form_page import FormPage, Undo, required, see_other

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/moderation/best-bets"
BetId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MATCHES = {
    "exact": ("Exactly this search", "Case, spaces and punctuation aside."),
    "words": ("Any search with all these words", "In any order, with other words too."),
}
FORM = FormPage(
    "moderation_best_bets.html",
    {"query": "", "slug": "", "match": "exact"},
    first_field="query",
    nav="/moderation/best-bets",
)


def _places(pinned: list[BestBet]) -> dict[int, tuple[int, int]]:
    """Each pin's place among its query's, and how many it has: the positions a move goes to
    (a store from before unpinning closed the gaps may still hold 1, 3, 4)."""
    counts = Counter(bet.query for bet in pinned)
    seen: Counter[str] = Counter()
    places = {}
    for bet in pinned:  # by query, then position
        seen[bet.query] += 1
        places[bet.id] = (seen[bet.query], counts[bet.query])
    return places


@dataclass(frozen=True)
class _Desk:
    """What every action on the page works with: the request, who acts, the use cases; and the
    list as it is now, read when a page is shown."""

    request: Request
    session: Session
    bets: BestBets
    account: Account
    people: AccountService

    def listing(self) -> dict[str, Any]:
        principal = self.account.principal
        choices = self.bets.choices(self.session, principal)
        pinned = self.bets.list_best_bets(self.session, principal)
        return {
            "who": actor_names(self.session, self.people),
            "bets": pinned,
            "places": _places(pinned),
            "restored": self.bets.restorations(self.session, principal, pinned),
            "choices": choices,
            "titles": {slug: f"{title} ({council})" for slug, title, council in choices},
            "matches": MATCHES,
        }

    def gone(self, error: Error, message: str, status_code: int = 404) -> Response:
        """A button pressed on a pin that is no longer there, or no longer where it was."""
        return FORM.gone(self.request, error, self.listing, message, status_code)


def _desk(
    request: Request,
    session: SessionDep,
    bets: BestBetsDep,
    account: ModeratorUserDep,
    people: AccountsDep,
) -> _Desk:
    return _Desk(request, session, bets, account, people)


DeskDep = Annotated[_Desk, Depends(_desk)]


@router.get(PAGE)
def best_bets_page(
    desk: DeskDep,
    pinned: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    moved: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    unpinned: Annotated[str | None, Query(max_length=200)] = None,
    query: Annotated[str | None, Query(max_length=MAX_PHRASE)] = None,
    match: Annotated[Match, Query()] = "exact",
    place: Annotated[int | None, Query(ge=1, le=MAX_PINS)] = None,
) -> Response:
    listing = desk.listing()
    notice = None
    if unpinned:  # which one, by its title, as the button said, and a way to put it back
        title = listing["titles"].get(unpinned, unpinned)
        notice = f"{title} unpinned from “{query or ''}”"
        if unpinned in listing["titles"] and query and place:  # still published: may be again
            again = {"query": query, "slug": unpinned, "match": match, "position": str(place)}
            again |= {"put_back": "true"}  # as it was pinned: by whom, and when
            listing["undo"] = Undo(PAGE, again, f"pin {title} to “{query}” again")
    for bet in listing["bets"]:
        now = listing["places"][bet.id][0]  # as the list counts them, not a gapped store's
        if bet.id == pinned:
            notice = f"Pinned to “{bet.query}”, in position {now}"
        elif bet.id == moved:  # which one, and where it is now
            title = listing["titles"].get(bet.slug, bet.slug)
            notice = f"{title} moved to position {now} of “{bet.query}”"
    return FORM.show(desk.request, listing, notice)


@router.post(PAGE)
def pin(
    desk: DeskDep,
    query: Annotated[str, Form()] = "",
    slug: Annotated[str, Form(max_length=200)] = "",
    match: Annotated[str, Form(max_length=10)] = "exact",
    position: Annotated[int | None, Form(ge=1, le=MAX_PINS)] = None,  # an unpin undone
    put_back: Annotated[bool, Form()] = False,  # the same, keeping who pinned it
) -> Response:
    def pinned() -> str:
        required(slug, "slug", "Choose the case study to pin.")
        how: Match = "words" if match == "words" else "exact"
        who = desk.account.principal
        bet = desk.bets.pin(desk.session, who, query, slug, how, position, put_back)
        return f"{PAGE}?pinned={bet.id}"

    form = {"query": query, "slug": slug, "match": match}
    return FORM.post(desk.request, form, pinned, desk.listing)


GONE = (
    "That pin is no longer there: it was unpinned after this page was opened{}. "
    "The list below is as it is now."
)


@router.post(PAGE + "/{bet_id}/unpin")
def unpin(desk: DeskDep, bet_id: BetId) -> Response:
    try:
        removed = desk.bets.unpin(desk.session, desk.account.principal, bet_id)
    except NotFound as error:
        return desk.gone(error, GONE.format(""))
    # Its place as the list showed it (a store from before unpins closed the gaps may hold 1, 3,
    # 4; those after it have moved up), for the notice's Undo to put it back there.
    before = [
        b
        for b in desk.bets.list_best_bets(desk.session, desk.account.principal)
        if b.query == removed.query and b.position < removed.position
    ]
    done = {"unpinned": removed.slug, "query": removed.query, "match": removed.match}
    return see_other(f"{PAGE}?{urlencode(done | {'place': len(before) + 1})}")


@router.post(PAGE + "/{bet_id}/move")
def move(
    desk: DeskDep, bet_id: BetId, position: Annotated[int, Form(ge=1, le=MAX_PINS)]
) -> Response:
    try:
        moved = desk.bets.move(desk.session, desk.account.principal, bet_id, position)
    except NotFound as error:
        return desk.gone(error, GONE.format(", so it was not moved"))
    except (Invalid, Conflict) as error:  # its query's pins changed since the page was read
        why = error.detail if isinstance(error, Invalid) else "its search's pins changed."
        said = f"That pin was not moved: {why} The list below is as it is now."
        return desk.gone(error, said, 422 if isinstance(error, Invalid) else 409)
    return see_other(f"{PAGE}?moved={moved.id}")
