"""People's accounts: who they are (an e-mail address), what they may do (a role, and for a
council user which council) and whether they may sign in (invited, active, revoked)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from email_validator import EmailNotValidError, validate_email

from app.core.errors import Invalid
from app.core.lookalikes import lookalike_problem
from app.core.principals import ROLES, Principal, Role

State = Literal["invited", "active", "revoked"]
INVITED, ACTIVE, REVOKED = "invited", "active", "revoked"
MAX_EMAIL = 254  # RFC 5321's limit on a path, so every deliverable address fits
# Roles and states as the People page words them, so a message about an account matches it.
ROLE_NAMES: dict[str, str] = {
    "council": "Council officer",
    "moderator": "Moderator",
    "admin": "Admin",
}
STATE_NAMES: dict[str, str] = {
    "invited": "Invited, not yet signed in",
    "active": "Active",
    "revoked": "Revoked",
}


def in_words(role: str, council: str | None, state: str) -> str:
    """An account in the People page's words, for a sentence: "a council officer at Leeds City
    Council (invited, not yet signed in)"."""
    name = ROLE_NAMES.get(role, role).lower()
    article = "an" if name[:1] in "aeiou" else "a"
    at = f" at {council}" if council else ""
    return f"{article} {name}{at} ({STATE_NAMES.get(state, state).lower()})"


@dataclass(frozen=True)
class Account:
    """A person who may sign in; `principal` is who they act as."""

    id: int
    email: str
    role: Role
    council: str | None
    state: State
    created_at: datetime
    last_sign_in_at: datetime | None = None

    @property
    def principal(self) -> Principal:
        return Principal(
            key_id=None, role=self.role, council=self.council, label=None, user_id=self.id
        )

    @property
    def moderates(self) -> bool:
        return self.role in ("moderator", "admin")

    def may_invite(self, role: str) -> bool:
        """Moderators invite councils and moderators; only an admin makes another admin."""
        return self.moderates and (role != "admin" or self.role == "admin")


def field_error(field: str, detail: str) -> Invalid:
    """An Invalid naming the form field, so a page can show it beside the field."""
    return Invalid(detail, [{"detail": detail, "pointer": f"#/{field}"}])


def normalise_email(text: str | None, empty: str = "Enter your email address") -> str:
    """The address as stored and compared; Invalid in GOV.UK's words otherwise. People type
    their address in any case, so case is set aside, but only as far as it pairs one letter
    with one (`same_letters`): the domain as IDNA writes it (lower case, "ß" kept), and in the
    local part "A" is "a" and "É" is "é", while "ß" stays apart from "ss" and "ſ" from "s".
    casefold() made "Straße@" and "STRASSE@" one account, whose links went to the other
    address."""
    text = (text or "").strip()
    if not text:
        raise field_error("email", empty)
    if len(text) > MAX_EMAIL:
        raise field_error("email", f"Email address must be {MAX_EMAIL} characters or fewer")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise field_error(
            "email", "Enter an email address in the correct format, like name@example.com"
        ) from error
    return f"{same_letters(checked.local_part)}@{checked.domain}"


def same_letters(text: str) -> str:
    """Each capital in lower case where the two are a pair, one letter each way ("É" and "é");
    any other letter as it is ("ẞ", whose lower case "ß" is "SS" in capitals, and "İ")."""
    return "".join(_lower(c) for c in text)


def _lower(character: str) -> str:
    lower = character.lower()
    return lower if len(lower) == 1 and lower.upper() == character else character


def check_invitation(
    email: str | None, role: str | None, council: str | None
) -> tuple[str, Role, str | None]:
    """The address, role and council of a new account, each checked; Invalid listing every
    problem (a council account needs its council; other roles have none)."""
    problems: list[Invalid] = []
    address = ""
    try:
        address = normalise_email(email, empty="Enter their email address")
    except Invalid as error:
        problems.append(error)
    lookalike = lookalike_problem(address)
    if lookalike:  # "jо@" with a Cyrillic "о" would pass for a colleague's "jo@" on the list
        problems.append(field_error("email", f"Check the email address: {lookalike}"))
    if role not in ROLES:
        problems.append(field_error("role", "Select what the person will do"))
    name = " ".join((council or "").split()) or None
    if role == "council" and not name:
        problems.append(field_error("council", "Enter the council's name"))
    elif name and len(name) > 300:
        problems.append(field_error("council", "Council name must be 300 characters or fewer"))
    if problems:
        errors = [e for p in problems for e in (p.errors or [])]
        raise Invalid("; ".join(e["detail"] for e in errors), errors)
    return address, role, name if role == "council" else None  # type: ignore[return-value]
