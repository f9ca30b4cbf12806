"""The search page's reading of its URL: where the API answers 422, the page searches for what
it could understand and says, in plain words, what it left out (a bookmark made before a theme
was renamed, a query pasted in whole, a year range the wrong way round)."""

from dataclasses import dataclass, field, replace
from typing import get_args
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from app.core.sanitise import typed
from app.core.vocabulary import Vocabulary
from app.search.index import Sort
from app.search.query import MAX_QUERY_CHARS
from app.services.filters import SearchRequest, known

LISTS = ("priority_area", "age_band", "theme", "region", "evidence", "council")
MAX_VALUES = 50  # per filter, as the API allows
# What each filter is called in a sentence.
NAMES = {
    "priority_area": "priority area",
    "age_band": "age group",
    "theme": "theme",
    "region": "region",
    "evidence": "evidence level",
    "council": "council",
    "age": "child's age",
    "published_from": "year to start from",
    "published_to": "year to end at",
    "measured": "measured outcomes choice",
    "sort": "sort order",
    "per_page": "number of results a page",
}
NUMBERS = {"age": (0, 25), "published_from": (1900, 2100), "published_to": (1900, 2100)}
NUMBERS |= {"per_page": (1, 50)}
YES = {"true", "1", "yes", "on"}
NO = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class FieldError:
    """A mistake the person can fix, shown in a GOV.UK error summary and beside the field."""

    field: str  # the id of the control to fix
    message: str


@dataclass
class PageQuery:
    request: SearchRequest
    notices: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    years: tuple[int | None, int | None] = (None, None)  # as chosen, even when not applied


def _shown(value: str, limit: int = 40) -> str:
    return "“" + (value if len(value) <= limit else value[:limit] + "…") + "”"


def _whole(text: str) -> int | None:
    """The whole number written in decimal digits, or None. Not `str.isdigit` then `int`:
    isdigit passes "²" and "⁵", which int refuses, and int refuses more than 4,300 digits; a
    number of more than twelve digits is read as 10**12, past every bound here."""
    if not text.isdecimal():
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 12 else 10**12


def shorten(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """The text cut to at most `limit` characters, between words where it can be."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > limit // 2 else limit].rstrip()


def without_blanks(params: QueryParams) -> str | None:
    """The address without its blank fields, or None when it has none. The form without
    JavaScript sends every field, "Any year" and the default sort as `sort=&published_from=`;
    they ask for nothing, and the address a person copies and shares is cleaner without them."""
    pairs = params.multi_items()
    kept = [(name, value) for name, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return None
    return "/?" + urlencode(kept) if kept else "/"


def read(params: QueryParams, vocabulary: Vocabulary) -> PageQuery:
    """The search a page URL asks for, with notices for what was left out."""
    reader = _Reader(params)
    q = typed(" ".join(params.getlist("q")))
    if len(q) > MAX_QUERY_CHARS:
        q = shorten(q)
        reader.notices.append(
            f"Your search was longer than {MAX_QUERY_CHARS:,} characters, so it was shortened "
            f"to its first {len(q):,}."
        )
    request = SearchRequest(
        q=q,
        filters={name: reader.values(name) for name in LISTS if name != "council"},
        councils=reader.values("council"),
        age=reader.number("age"),
        published_from=reader.year("published_from"),
        published_to=reader.year("published_to"),
        measured=reader.yes_no("measured"),
        sort=reader.sort(),
        page=reader.page(),
        per_page=reader.number("per_page") or 10,
    )
    request, dropped = known(vocabulary, request)
    notices = reader.notices + _unknown(dropped)
    query = PageQuery(
        request, notices, reader.errors, (request.published_from, request.published_to)
    )
    start, end = query.years
    if start is not None and end is not None and start > end:
        message = "The year to start from must be the same as or before the year to end at"
        query.errors.append(FieldError("published_from", message))
        query.request = replace(request, published_from=None, published_to=None)
    return query


def _unknown(dropped: list[tuple[str, str]]) -> list[str]:
    """One sentence for each filter's values the vocabulary does not know: a link with fifty
    made-up themes wrote fifty boxes, and pushed the results off a phone's screens."""
    by_filter: dict[str, list[str]] = {}
    for name, value in dropped:
        by_filter.setdefault(name, []).append(value)
    notices = []
    for name, values in by_filter.items():
        if len(values) == 1:
            notices.append(
                f"There is no {NAMES[name]} {_shown(values[0])} (it may have been renamed), "
                "so that filter was left out."
            )
            continue
        named = [_shown(value) for value in values]
        if len(named) > 4:
            named = [*named[:3], f"{len(named) - 3} others"]
        listed = ", ".join(named[:-1]) + " and " + named[-1]
        notices.append(
            f"There are no {NAMES[name]}s {listed} (they may have been renamed), so those "
            "filters were left out."
        )
    return notices


class _Reader:
    """Reads parameters one by one, noting each value it cannot understand."""

    def __init__(self, params: QueryParams) -> None:
        self.params = params
        self.notices: list[str] = []
        self.errors: list[FieldError] = []

    def _text(self, name: str) -> str:
        return self.params.get(name, "").strip()

    def _left_out(self, name: str, text: str) -> None:
        self.notices.append(f"{_shown(text)} is not a {NAMES[name]} we know, so it was left out.")

    def values(self, name: str) -> list[str]:
        values = [v for v in self.params.getlist(name) if v.strip()]
        if len(values) > MAX_VALUES:
            self.notices.append(f"Only the first {MAX_VALUES} {NAMES[name]} choices were used.")
        return values[:MAX_VALUES]

    def number(self, name: str) -> int | None:
        text = self._text(name)
        low, high = NUMBERS[name]
        value = _whole(text)
        if value is not None and low <= value <= high:
            return value
        if text:
            self._left_out(name, text)
        return None

    def page(self) -> int:
        """The page asked for; a page past the last is shown as the last (the route finds
        which that is), and one that is no page number as the first, with a notice saying so."""
        text = self._text("page")
        value = _whole(text)
        if value is not None and value >= 1:
            return min(value, 1000)
        if text:
            self.notices.append(f"{_shown(text)} is not a page number, so the first page is shown.")
        return 1

    def year(self, name: str) -> int | None:
        """A year bound, or an error at its select: a year edited into the address by hand
        ("2024-13", "banana") is something the person meant to filter by, so it is shown as
        a mistake to put right, not a notice among the results; the rest still applies."""
        text = self._text(name)
        low, high = NUMBERS[name]
        value = _whole(text)
        if value is not None and low <= value <= high:
            return value
        if text:
            message = f"Choose a {NAMES[name]} in the list: {_shown(text)} is not a year"
            self.errors.append(FieldError(name, message))
        return None

    def yes_no(self, name: str) -> bool | None:
        text = self._text(name).lower()
        if text in YES or text in NO:
            return text in YES
        if text:
            self._left_out(name, text)
        return None

    def sort(self) -> Sort | None:
        text = self._text("sort")
        for choice in get_args(Sort):
            if text == choice:
                return choice  # type: ignore[no-any-return]
        if text:
            self._left_out("sort", text)
        return None
