"""Who did each thing, as the moderators' review pages say it: a person's account by the e-mail
address the People page lists it under, where the history stored only its number
("moderator (moderator user 4)"). Only moderators' pages use it, and moderators see every
address on the People page already; a council's own pages keep the stored words."""

import re
from collections.abc import Callable

from app.core.errors import NotFound
from app.services.accounts import AccountService
from app.store.db import Session

# As Principal.name writes a person's account: "{council or role} ({role} user {id})".
_ACCOUNT = re.compile(r"^(?P<who>.+) \((?P<role>council|moderator|admin) user (?P<id>\d{1,10})\)$")
# Principal.name of the campaign team's people and keys.
_CAMPAIGN = re.compile(r"^.+ \((?:moderator|admin) (?:user|key) \d{1,10}\)$")
CAMPAIGN_TEAM = "the campaign team"


def council_names(session: Session, accounts: AccountService) -> Callable[[str], str]:
    """As actor_names, for a council's own pages: the campaign team's actors as one team."""
    named = actor_names(session, accounts)
    return lambda actor: CAMPAIGN_TEAM if _CAMPAIGN.match(actor) else named(actor)


def actor_names(session: Session, accounts: AccountService) -> Callable[[str], str]:
    """A function from a stored actor to words: "sam@example.org (moderator)",
    "Leeds City Council (officer@leeds.example)"; an API key, or an account no longer there,
    as stored. Each account is looked up once a page."""
    emails: dict[int, str | None] = {}

    def email(number: int) -> str | None:
        if number not in emails:
            try:
                emails[number] = accounts.get(session, number).email
            except NotFound:
                emails[number] = None
        return emails[number]

    def name(actor: str) -> str:
        found = _ACCOUNT.match(actor)
        address = email(int(found["id"])) if found else None
        if found is None or address is None:
            return actor
        if found["role"] == "council":
            return f"{found['who']} ({address})"
        return f"{address} ({found['role']})"

    return name
