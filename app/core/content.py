"""What a case study is: its content and the rules it must keep, for a file and a submission alike.

Kept apart from the tables so that a new column never changes the public contract by accident.
"""

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.councils import get_councils
from app.core.lookalikes import lookalike_problem
from app.core.sanitise import clean_markdown, clean_text, web_address_problem
from app.core.vocabulary import get_vocabulary

Evidence = Literal["evaluated", "measured", "emerging"]
Status = Literal["submitted", "changes_requested", "published", "rejected", "withdrawn"]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# ASCII digits, the whole text: `\d` took "２０２０" and "𝟙𝟡𝟘𝟘", stored as typed, which sorted
# after every year written in ASCII ("Newest" first for ever), and `$` a trailing line break.
PARTIAL_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?", re.ASCII)

EARLIEST_YEAR = 1900
# The longest each cleaned text field may be (a joint programme's council names every council).
MAX_LENGTH = {"title": 200, "council": 300, "summary": 800, "programme": 200, "body": 50_000}
MIN_LENGTH = {"title": 3, "council": 2, "summary": 20}
# Names shown on one line (a heading, a mail's subject, a feed's title): a line break or a run of
# spaces inside one is a slip, made one space.
_ONE_LINE = {"title", "council", "programme"}
# Text this many times longer than its field allows is refused as it is, not cleaned first:
# markup around words is rarely more than the words, and cleaning a megabyte costs a second.
CLEAN_AT_MOST = 4
# A few unknown fields get an error each, pointing at it; more get one error naming the first
# few, so that a body of 60,000 of them is answered at once and in a few lines.
UNKNOWN_FIELDS_NAMED = 10

LOOKALIKE = "lookalike"  # the error type of a word in two alphabets or a stack of marks

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def latest_date() -> date:
    """Today wherever it is already today (UTC+14): a date "no later than today" is never
    refused for a council writing just after midnight."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def first_day(text: str) -> date | None:
    """The first day of a real YYYY, YYYY-MM or YYYY-MM-DD date from 1900 to today, else None."""
    return None if _date_problem(text) else _first_day(text)


def _first_day(text: str) -> date:
    year, month, day = (text.split("-") + ["01", "01"])[:3]
    return date(int(year), int(month), int(day))


def _date_problem(text: str) -> str | None:
    """Say what is wrong with a partial date, or None."""
    if not PARTIAL_DATE.fullmatch(text):
        return f"{text!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"
    if int(text[:4]) < EARLIEST_YEAR:
        return f"{text!r} is before {EARLIEST_YEAR}"
    try:
        first = _first_day(text)
    except ValueError:
        return f"{text!r} is not a day of the calendar"
    if first > latest_date():
        return f"{text!r} is in the future; give the date it happened, no later than today"
    return None


def _ascii_digits(text: str) -> str:
    """Digits of any script as ASCII ("２０２０", "٢٠٢٠" are 2020): a date typed with a
    full-width keyboard or in Arabic-Indic digits is the date it says."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def partial_date(v: object) -> object:
    """A field's partial date as text, or ValueError saying what is wrong with it."""
    if v is None:
        return None
    text = _ascii_digits(str(v))  # YAML reads 2018 as an int
    problem = _date_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def reject_unknown_fields(model: type[BaseModel], data: Any) -> Any:
    """Refuse many fields the model does not have with one error naming a few of them, before
    validation makes one error for each (a few are left to validation, which points at each)."""
    if isinstance(data, dict):
        known = model.model_fields.keys()  # read once: it is a property, slow 60,000 times
        unknown = [str(key) for key in data if key not in known]
        if len(unknown) > UNKNOWN_FIELDS_NAMED:
            named = ", ".join(map(repr, unknown[:UNKNOWN_FIELDS_NAMED]))
            also = f" and {len(unknown) - UNKNOWN_FIELDS_NAMED} more"
            allowed = ", ".join(known)
            raise ValueError(f"unknown field(s) {named}{also}; allowed: {allowed}")
    return data


def _allowed(kind: str) -> str:
    return ", ".join(get_vocabulary().slugs(kind))


def check_tags(kind: str, values: list[str]) -> list[str]:
    """Return the tags de-duplicated; raise naming the allowed values for an unknown one."""
    allowed = set(get_vocabulary().slugs(kind))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        noun = kind.rstrip("s").replace("_", " ")
        raise ValueError(
            f"unknown {noun} {', '.join(map(repr, unknown))}; allowed: {_allowed(kind)}"
        )
    return list(dict.fromkeys(values))


TAG_FIELDS = ("priority_areas", "age_bands", "themes")


def tags_in_their_order(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The patch with each list of tags that holds the same tags as now in the order they have
    now: tags are a set, and a form lists its ticked boxes in the vocabulary's order, so the
    same tags sent back are no change to show a moderator."""
    same = {
        name: list(current[name])
        for name in TAG_FIELDS
        if isinstance(patch.get(name), list)
        and isinstance(current.get(name), list)
        and sorted(map(str, patch[name])) == sorted(map(str, current[name]))
    }
    return {**patch, **same}


def _refuse_lookalikes(text: str) -> None:
    """A word in two alphabets ("Mіа" with a Cyrillic "і" and "а") or a letter under a stack of
    marks ("Zalgo") is refused, saying what to retype: either slips a name past the safeguarding
    check's reader, or a title past a moderator's eye."""
    problem = lookalike_problem(text)
    if problem:  # its own type, so that the form says it rather than a length rule
        raise PydanticCustomError(LOOKALIKE, "{problem}", {"problem": problem})


class CaseStudyContent(BaseModel):
    """The content of a case study, validated by the same rules for a file and a submission."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=MIN_LENGTH["title"], max_length=MAX_LENGTH["title"])
    council: str = Field(min_length=MIN_LENGTH["council"], max_length=MAX_LENGTH["council"])
    region: str = Field(description="One of the nine English regions or Wales")
    summary: str = Field(
        min_length=MIN_LENGTH["summary"],
        max_length=MAX_LENGTH["summary"],
        description="Plain text, a few sentences",
    )
    body: str = Field(min_length=1, max_length=MAX_LENGTH["body"], description="Markdown")
    outcomes: list[ShortText] = Field(
        default_factory=list,
        max_length=30,
        description="Measured results only: a change or a comparison, not a count of people "
        "reached",
    )
    has_measured_outcome: bool | None = Field(
        default=None,
        description="Whether the case study reports a measured outcome; follows from `outcomes` "
        "when left out",
    )
    priority_areas: list[str] = Field(min_length=1, max_length=7)
    age_bands: list[str] = Field(min_length=1, max_length=4)
    themes: list[str] = Field(min_length=1, max_length=6)
    programme: str | None = Field(default=None, max_length=MAX_LENGTH["programme"])
    partners: list[ShortText] = Field(default_factory=list, max_length=30)
    evidence: Evidence = "emerging"
    published: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    updated: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    source_url: str | None = Field(default=None, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        return reject_unknown_fields(cls, data)

    @field_validator("title", "council", "summary", "programme", "body", mode="before")
    @classmethod
    def _clean(cls, v: object, info: ValidationInfo) -> object:
        """Clean before the length rules, so that what is stored keeps them (a summary of tags
        around a few words is too short, as its export would be)."""
        assert info.field_name is not None
        if not isinstance(v, str) or len(v) > CLEAN_AT_MOST * MAX_LENGTH[info.field_name]:
            return v  # None, the wrong type or far too long: for the field's rules to refuse
        cleaned = clean_markdown(v) if info.field_name == "body" else clean_text(v)
        if not cleaned and info.field_name != "programme":
            raise ValueError(
                "nothing is left once HTML and invisible characters are removed; send plain "
                "text or Markdown"
            )
        if info.field_name in _ONE_LINE:
            cleaned = " ".join(cleaned.split())
        _refuse_lookalikes(cleaned)
        if info.field_name == "council" and len(cleaned) <= MAX_LENGTH["council"]:
            return get_councils().canonical(cleaned)
        return cleaned or None

    @field_validator("outcomes", "partners")
    @classmethod
    def _clean_items(cls, v: list[str]) -> list[str]:
        items = [cleaned for item in v if (cleaned := clean_text(item))]
        for item in items:
            _refuse_lookalikes(item)
        return items

    @field_validator("priority_areas", "age_bands", "themes")
    @classmethod
    def _tags(cls, v: list[str], info: ValidationInfo) -> list[str]:
        assert info.field_name is not None
        return check_tags(info.field_name, v)

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        vocabulary = get_vocabulary()
        slug = vocabulary.region_slug(v)
        if slug is None:
            labels = ", ".join(t.label for t in vocabulary.regions)
            raise ValueError(f"unknown region {v!r}; allowed: {labels}")
        return vocabulary.label("regions", slug)

    @field_validator("published", "updated", mode="before")
    @classmethod
    def _partial_date(cls, v: object) -> object:
        return partial_date(v)

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        problem = web_address_problem(v) if v is not None else None
        if problem:
            raise ValueError(f"source_url {problem}")
        return v

    @model_validator(mode="after")
    def _measured(self) -> "CaseStudyContent":
        measured = bool(self.outcomes)
        if self.has_measured_outcome is None:
            self.has_measured_outcome = measured
        elif self.has_measured_outcome != measured:
            raise ValueError(
                "has_measured_outcome is true but outcomes is empty: list the measured results"
                if self.has_measured_outcome
                else "has_measured_outcome is false but outcomes lists results: outcomes holds "
                "measured results only"
            )
        return self


class CaseStudyFile(CaseStudyContent):
    """A case study of the bundled collection: content plus its slug and status, and when it
    was last checked to be still current (a file that does not say was checked when published).
    """

    slug: str = Field(pattern=SLUG_PATTERN, max_length=120)
    status: Status = "published"
    last_reviewed: str | None = Field(
        default=None,
        description="When it was last checked to be still current: YYYY, YYYY-MM or "
        "YYYY-MM-DD; the published date when left out",
    )

    @field_validator("last_reviewed", mode="before")
    @classmethod
    def _reviewed_date(cls, v: object) -> object:
        return partial_date(v)

    @model_validator(mode="after")
    def _reviewed_when_published(self) -> "CaseStudyFile":
        if self.last_reviewed is None:
            self.last_reviewed = self.published
        return self


class CaseStudyPatch(BaseModel):
    """An amendment: any content fields, each replacing the stored value."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        return reject_unknown_fields(cls, data)

    title: str | None = None
    council: str | None = None
    region: str | None = None
    summary: str | None = None
    body: str | None = None
    outcomes: list[str] | None = None
    priority_areas: list[str] | None = None
    age_bands: list[str] | None = None
    themes: list[str] | None = None
    programme: str | None = None
    partners: list[str] | None = None
    evidence: Evidence | None = None
    published: str | None = None
    updated: str | None = None
    source_url: str | None = None
