"""Best bets: moderators pin up to MAX_PINS published case studies to a query; searches for it
show them first, marked "Recommended" (services/search.py), in every process at once
(services/curation.py)."""

from datetime import datetime

from app.core.curation import MAX_PINS, BestBet, Match, checked_phrase, invalid
from app.core.errors import Forbidden
from app.core.principals import Principal
from app.services.curation import Curation
from app.store import case_studies
from app.store import curation as store
from app.store.db import Session
from app.store.standing import still_acting


class BestBets:
    def __init__(self, curation: Curation) -> None:
        self.curation = curation

    def list_best_bets(self, session: Session, principal: Principal) -> list[BestBet]:
        _moderator(principal)
        return store.list_best_bets(session)

    def restorations(
        self, session: Session, principal: Principal, bets: list[BestBet]
    ) -> dict[tuple[str, str], tuple[str, datetime]]:
        """Of `bets`, those unpinned and put back: who put each back, and when."""
        _moderator(principal)
        return store.pin_restorations(session, {bet.query for bet in bets})

    def choices(self, session: Session, principal: Principal) -> list[tuple[str, str, str]]:
        """(slug, title, council) of the case studies that may be pinned: the published ones."""
        _moderator(principal)
        return store.published_titles(session)

    def pin(
        self,
        session: Session,
        principal: Principal,
        query: str,
        slug: str,
        match: Match,
        position: int | None = None,
        put_back: bool = False,
    ) -> BestBet:
        """Pin a published case study to a query, last or at `position` (undoing an unpin, when
        `put_back` also keeps who pinned it and when); Invalid for an unknown or unpublished
        slug, Conflict if already pinned, if the query has MAX_PINS, or if a pin put back was
        not the last thing unpinned from it."""
        _moderator(principal)
        text = checked_phrase(query, "#/query")
        found = case_studies.find_case_study(session, slug)
        if found is None:
            raise invalid(f"No published case study has the slug {slug!r}.", "#/slug")
        by = store.pin_restorable(session, text, slug, match) if put_back else None
        still_acting(session, principal)
        bet = store.add_best_bet(
            session, text, match, found, principal.name, MAX_PINS, position, by
        )
        self.curation.refresh()
        return bet

    def unpin(self, session: Session, principal: Principal, bet_id: int) -> BestBet:
        _moderator(principal)
        still_acting(session, principal)
        removed = store.remove_best_bet(session, bet_id, principal.name)
        self.curation.refresh()
        return removed

    def move(self, session: Session, principal: Principal, bet_id: int, position: int) -> BestBet:
        """Move a pin to another position among its query's (1 is shown first): Invalid beyond
        them, Conflict if they changed meanwhile."""
        _moderator(principal)
        still_acting(session, principal)
        moved = store.move_best_bet(session, bet_id, position, principal.name)
        self.curation.refresh()
        return moved


def _moderator(principal: Principal) -> None:
    if not principal.moderates:
        raise Forbidden("Only moderators and admins pin best bets.")
