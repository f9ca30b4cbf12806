"""A case study as a council officer types it into the form: fields as typed (text, lists of
ticked values, one outcome or partner a line, the body in its sections), turned into the
content the workflow takes, with errors in GOV.UK's words naming each form field."""

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.core.content import LOOKALIKE, MIN_LENGTH, TAG_FIELDS, CaseStudyContent
from app.core.errors import Invalid
from app.core.lookalikes import lookalike_problem
from app.core.submissions import REASON_LONGEST, Notes

SECTIONS = {
    "plain": "In plain words",  # optional: who it is for and what was done, in everyday words
    "challenge": "The challenge",
    "solution": "The solution",
    "impact": "The impact",
    "lessons": "Lessons learned",
    # optional: what a parent, a practitioner or a councillor might ask that this answers
    "questions": "Questions it helps answer",
}
TEXT = ("title", "summary", "programme", "region", "evidence", "published", "source_url")
TICKED = TAG_FIELDS  # ticked boxes
LINES = ("outcomes", "partners")
# Written for the moderators beside the case study, not part of it: why it should stand beside
# the published case study it closely matches (shown with that warning).
NOTES = ("duplicate_reason",)
FIELDS = (*TEXT, *SECTIONS, *TICKED, *LINES, *NOTES)
ON_THE_FORM = (  # the order of the form, so that the error summary follows it
    "title", "summary", "duplicate_reason", "programme", "region", *SECTIONS, "body", "outcomes",
    "evidence", "partners", "published", "source_url", *TICKED,
)  # fmt: skip
LONGEST = 60_000  # any one field as typed; the content's own rules are tighter
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)

# The message for an empty required field, and for one that breaks its rule, in GOV.UK's words.
EMPTY = {
    "title": "Enter a title",
    "summary": "Enter a summary",
    "challenge": "Enter the challenge",
    "solution": "Enter the solution",
    "impact": "Enter the impact",
    "region": "Select the region",
    "priority_areas": "Select at least one priority area",
    "age_bands": "Select at least one age band",
    "themes": "Select at least one theme",
}
RULES = {
    # Text that is nothing but HTML is left too short once cleaned.
    "title": f"Title must be {MIN_LENGTH['title']} characters or more",
    "summary": f"Summary must be {MIN_LENGTH['summary']} characters or more",
    "themes": "Select no more than 6 themes",
    "published": (
        "Date first published must be a real date in the past, like 2024, 2024-03 or March 2024"
    ),
    "source_url": "Web address must start with https:// or http://, like https://www.leeds.gov.uk",
    "body": "The case study must be 50,000 characters or fewer in all",
    "duplicate_reason": (f"Why both should stand must be {REASON_LONGEST:,} characters or fewer"),
}
# What the length messages call a field: each says the one limit broken, as GOV.UK's do ("Summary
# must be 20 characters or more" for one too short, "… 800 characters or fewer" too long).
NAMED = {"title": "Title", "summary": "Summary", "programme": "Programme or model",
         "source_url": "Web address"}  # fmt: skip
EACH = {"outcomes": "outcome", "partners": "partner"}  # a line of these


def empty_fields() -> dict[str, Any]:
    return {name: [] if name in TICKED else "" for name in FIELDS} | {"evidence": "emerging"}


def tidy(fields: dict[str, Any]) -> dict[str, Any]:
    """Only the form's fields, each of its kind and no longer than LONGEST (a draft may be
    anything in between)."""
    tidied = empty_fields()
    for name in FIELDS:
        value = fields.get(name)
        if name in TICKED:
            items = value if isinstance(value, list) else [value] if value else []
            tidied[name] = list(dict.fromkeys(str(v)[:100] for v in items))[:50]
        elif isinstance(value, str):
            tidied[name] = value.replace("\r\n", "\n")[:LONGEST]
    return tidied


LISTED = ("questions",)  # typed one a line, stored as a Markdown list
# What may come before an item's words: a bullet ("- ", "* ", "+ ", "•"), a number ("1. ",
# "2)"), a heading's "#"s or a quote's ">"; kept, Markdown made "- 1. …" a list inside the item,
# "+" a bullet inside it, "- # …" a heading and "- > …" a quotation.
_BULLET = re.compile(r"^\s*(?:(?:[-*+\u2022]|\d{1,9}[.)]|#{1,6})(?:\s+|$)|(?:>\s*)+)?")


def line_spans(text: str) -> list[tuple[int, int]]:
    """Where each item of a listed field lies in the text as typed: its words, without the
    bullet or number (`_BULLET`) or spaces around them; blank lines are no item."""
    spans, at = [], 0
    for line in text.splitlines(keepends=True):
        typed = line.splitlines()[0]  # without its line break
        start = _BULLET.match(typed).end()  # type: ignore[union-attr]  # it matches "" at worst
        end = len(typed.rstrip())
        if start < end:
            spans.append((at + start, at + end))
        at += len(line)
    return spans


def _lines(text: str) -> list[str]:
    return [text[start:end] for start, end in line_spans(text)]


def body_of(fields: dict[str, Any]) -> str:
    """The body in Markdown, with a heading for each section that has words."""
    parts = []
    for name, heading in SECTIONS.items():
        text = str(fields.get(name) or "").strip()
        if name in LISTED:
            text = "\n".join(f"- {line}" for line in _lines(text))
        if text:
            parts.append(f"## {heading}\n\n{text}\n")
    return "\n".join(parts)


def sections_of(body: str) -> dict[str, str]:
    """A stored body split back into the form's sections; what comes before the first known
    heading, or under an unknown one, stays with the section before it (or the challenge)."""
    found = dict.fromkeys(SECTIONS, "")
    names = {heading.casefold(): name for name, heading in SECTIONS.items()}
    current, start = "challenge", 0
    for match in _HEADING.finditer(body):
        name = names.get(match.group(1).casefold())
        if name is None:
            continue
        found[current] += body[start : match.start()]
        current, start = name, match.end()
    found[current] += body[start:]
    split = {name: text.strip() for name, text in found.items()}
    return split | {name: "\n".join(_lines(split[name])) for name in LISTED}


def apart(body: str, name: str) -> tuple[str, str]:
    """One section of the body (by its key in SECTIONS) and the body without it."""
    headings = list(_HEADING.finditer(body))
    for at, match in enumerate(headings):
        if match.group(1).casefold() == SECTIONS[name].casefold():
            end = headings[at + 1].start() if at + 1 < len(headings) else len(body)
            return body[match.end() : end].strip(), (body[: match.start()] + body[end:]).strip()
    return "", body


def plain_words(body: str) -> tuple[str, str]:
    """The body's "In plain words" section, and the body without it: the search weighs the
    words families use for a situation apart from the sector's account of it."""
    return apart(body, "plain")


def fields_of(content: dict[str, Any]) -> dict[str, Any]:
    """The form's fields for stored content (to amend it)."""
    fields = empty_fields()
    for name in TEXT:
        fields[name] = str(content.get(name) or "")
    for name in TICKED:
        fields[name] = list(content.get(name) or [])
    for name in LINES:
        fields[name] = "\n".join(content.get(name) or [])
    return fields | sections_of(str(content.get("body") or ""))


def as_content(fields: dict[str, Any]) -> dict[str, Any]:
    """The content the workflow takes (before its rules), from the form's fields."""
    content: dict[str, Any] = {name: fields[name] for name in TICKED}
    for name in TEXT:
        content[name] = str(fields.get(name) or "").strip() or None
    for name in LINES:
        content[name] = [line.strip() for line in str(fields[name]).splitlines() if line.strip()]
    content["body"] = body_of(fields)
    content["evidence"] = content["evidence"] or "emerging"
    content["published"] = month_year(content["published"])
    return content


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")  # fmt: skip
_MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}
_MONTHS["sept"] = 9
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})")


def month_year(typed: str | None) -> str | None:
    """ "March 2024" (or "Mar 2024"), as officers write a date, as the content's 2024-03; any
    other text as it is, for the content's rule to judge."""
    found = _MONTH_YEAR.fullmatch(typed or "")
    month = _MONTHS.get(found.group(1).casefold()) if found else None
    return f"{found.group(2)}-{month:02d}" if found and month else typed


def check(fields: dict[str, Any], council: str) -> CaseStudyContent:
    """The content, valid, for the council; Invalid naming each form field that is not."""
    fields = tidy(fields)
    errors = {name: message for name, message in EMPTY.items() if not _given(fields[name])}
    try:
        content = CaseStudyContent.model_validate({**as_content(fields), "council": council})
    except ValidationError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "title"
            if name == "body" and any(section in errors for section in SECTIONS):
                continue  # the empty section says it
            if item["type"] == LOOKALIKE:
                name, label = _written_in(name, fields)
                errors.setdefault(name, f"{label}: {item['msg']}")
                continue
            unknown_tag = name in TICKED and item["type"] == "value_error"  # names the allowed
            rule = None if unknown_tag else _length(name, item) or RULES.get(name)
            errors.setdefault(name, rule or _plain(name, item["msg"]))
        content = None
    if (problem := notes_problem(fields)) is not None:
        errors["duplicate_reason"] = problem
    if errors or content is None:
        ordered = {name: errors[name] for name in (*ON_THE_FORM, *errors) if name in errors}
        raise Invalid(
            "; ".join(ordered.values()),
            [{"detail": message, "pointer": f"#/{name}"} for name, message in ordered.items()],
        )
    return content


def reason_of(fields: dict[str, Any]) -> str | None:
    """Why the case study should stand beside a close published match, cleaned; None if not
    given (or not valid: `check` says so first)."""
    try:
        return Notes.model_validate(
            {"duplicate_reason": tidy(fields)["duplicate_reason"]}
        ).duplicate_reason
    except ValidationError:
        return None


def notes_problem(fields: dict[str, Any]) -> str | None:
    """What is wrong with the notes for the moderators, in GOV.UK's words, if anything."""
    try:
        Notes.model_validate({"duplicate_reason": fields.get("duplicate_reason") or None})
    except ValidationError:
        return RULES["duplicate_reason"]
    return None


def _written_in(name: str, fields: dict[str, Any]) -> tuple[str, str]:
    """The form field a content field's text was typed in, and its label: the body's section
    that holds the look-alike letters, not the body the form does not show."""
    if name != "body":
        return name, NAMED.get(name) or name.replace("_", " ").capitalize()
    section = next((s for s in SECTIONS if lookalike_problem(fields[s])), "challenge")
    return section, SECTIONS[section]


def _length(name: str, item: ErrorDetails) -> str | None:
    """The length rule a field broke, in GOV.UK's words; None for any other error."""
    kind, limits, whole = item["type"], item.get("ctx") or {}, len(item["loc"]) == 1
    if name in EACH and kind == "too_long" and whole:
        return f"Enter no more than {limits['max_length']} {name}"
    subject = f"Each {EACH[name]}" if name in EACH and not whole else NAMED.get(name)
    if subject and kind == "string_too_short":
        return f"{subject} must be {limits['min_length']:,} characters or more"
    if subject and kind == "string_too_long":
        return f"{subject} must be {limits['max_length']:,} characters or fewer"
    return None


def _given(value: object) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _plain(name: str, message: str) -> str:
    label = name.replace("_", " ").capitalize()
    return f"{label}: {message.removeprefix('Value error, ')}"
