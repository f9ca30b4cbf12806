"""What moderators curate for search: everyday phrases bridged to the sector's words, and best
bets (case studies pinned to a query). Plain values, shared by the store, services and web."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from app.core.errors import Invalid
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
