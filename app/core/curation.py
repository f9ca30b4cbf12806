"""What moderators curate for search: everyday phrases bridged to the sector's words, and best
bets (case studies pinned to a query). Plain values, shared by the store, services and web."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from app.core.errors import Conflict, Invalid
from app.core.sanitise import shows_something

Decision = Literal["accepted", "dismissed"]
Match = Literal["exact", "words"]
MAX_PHRASE = 100  # characters of an everyday phrase or a pinned query
MAX_TARGETS = 5  # the sector's phrases one everyday phrase leads to
MAX_PINS = 3  # case studies pinned to one query (GOV.UK keeps about as many)
MAX_NOTE = 300  # characters of a moderator's note beside a decision (the store's column)


@dataclass(frozen=True)
class LaySynonym:
    """An everyday phrase and what a moderator decided: accepted with its targets (search also
    looks for them, one way), or dismissed (never proposed again)."""

    id: int
    phrase: str
    targets: list[str]
    status: Decision
    note: str | None
    decided_by: str
    decided_at: datetime

    @property
    def version(self) -> int:
        """Its ETag: when it was decided, in microseconds since 1970 (a new decision, a new one)."""
        at = self.decided_at if self.decided_at.tzinfo else self.decided_at.replace(tzinfo=UTC)
        return (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Proposal:
    """One of the sector's phrases proposed for an everyday one, and how close in meaning the
    word embeddings put them (cosine, 0 to 1)."""

    phrase: str
    closeness: float


@dataclass(frozen=True)
class SynonymSuggestion:
    """A query people typed that finds nothing or little, with the sector's phrases nearest to
    it in meaning: for a moderator to accept (edited) or dismiss."""

    phrase: str
    searches: int
    zero_result_searches: int
    results_now: int
    proposals: list[Proposal] = field(default_factory=list)


@dataclass(frozen=True)
class BestBet:
    """A case study pinned to the top of a query's results. `exact` matches the query as typed
    (case, spaces and punctuation aside); `words` matches any query holding all its words."""

    id: int
    query: str
    match: Match
    slug: str
    position: int
    added_by: str
    added_at: datetime


def phrase_words(text: str) -> str:
    """A phrase as it is compared: lower case, words only, one space between."""
    return " ".join("".join(c if c.isalnum() or c == "'" else " " for c in text.casefold()).split())


def checked_phrase(text: str, pointer: str) -> str:
    """The phrase in its compared form; Invalid if it has no words or is too long. A word has
    a letter or digit that shows: a query of apostrophes alone, or of Hangul fillers (blank
    letters), was pinned, and matched no search anyone makes."""
    phrase = phrase_words(text)
    if not any(c.isalnum() and shows_something(c) for c in phrase):
        if not shows_something(text):
            raise invalid("Give a word or phrase, for example “kids in care”.", pointer)
        raise invalid(
            "Give a word or phrase with letters or numbers in it, for example “kids in care”: "
            "quotes, punctuation and invisible characters alone match no search.",
            pointer,
        )
    if len(phrase) > MAX_PHRASE:
        raise invalid(f"Keep it to {MAX_PHRASE} characters or fewer.", pointer)
    return phrase


def checked_note(note: str | None, pointer: str = "#/note") -> str | None:
    """A moderator's note as kept (None if blank); Invalid if longer than the store keeps, so
    a page's long paste is explained rather than refused by the database."""
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise invalid(f"Keep the note to {MAX_NOTE} characters or fewer.", pointer)
    return note


def invalid(detail: str, pointer: str) -> Invalid:
    return Invalid(detail, errors=[{"detail": detail, "pointer": pointer}])


def refused(
    phrase: str, now: LaySynonym | None, undecided: bool, expected: frozenset[int] | None
) -> Conflict | None:
    """Why a decision must not replace the phrase's decision `now`, if it must not: its decider
    saw the phrase `undecided` (a suggestion on the page), or read the versions `expected`."""
    if now is not None and undecided:
        return Conflict(
            f"“{phrase}” was decided after this page was opened (it is {now.status} now, under "
            "Decided), so your decision was not made. To decide it again, forget that one first."
        )
    return None if expected is None else unexpected(phrase, now, expected)


def unexpected(phrase: str, now: LaySynonym | None, expected: frozenset[int]) -> Conflict | None:
    """Why a decision sent for the versions `expected` (none: the phrase undecided) must not
    replace what is there `now`; None if it may. The caller decided from what it read."""
    if now is None:
        if not expected:
            return None
        detail = (
            f"“{phrase}” has no decision now: it was forgotten since you read it, so yours was "
            "not made. To decide it, send your decision again without If-Match."
        )
        return Conflict(detail, current=None)
    if now.version in expected:
        return None
    was = "changed since you read it" if expected else "was decided already"
    detail = (
        f"“{phrase}” {was}: it is {now.status} now (by {now.decided_by}), so your decision was "
        f"not made. Look at it (GET /api/v1/synonyms); to replace it, send yours again with "
        f'If-Match: "{now.version}".'
    )
    current = {"id": now.id, "status": now.status, "targets": now.targets, "note": now.note}
    decided = {"decided_by": now.decided_by, "decided_at": now.decided_at.isoformat()}
    return Conflict(detail, current=current | decided | {"etag": f'"{now.version}"'})
