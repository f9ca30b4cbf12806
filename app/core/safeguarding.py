"""The safeguarding check: does a submission's text look like it identifies a child or family?

Case studies are about real children, so a submission that names a child next to an age, gives
a date of birth, names a child with their school and year group, or gives a home address or
phone number is flagged to the submitter and the moderators with the passages found. The rules
are deliberately simple and explainable; a moderator makes the final call.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.config import ROOT
from app.core.lookalikes import skeleton
from app.core.yaml_files import load_yaml

NAMES_FILE = ROOT / "data" / "safeguarding.yaml"
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
DATE_OF_BIRTH = re.compile(
    rf"\b(?:date\s+of\s+birth|d\.?o\.?b\.?|born(?:\s+on)?)\b[\s:,(-]*{_DATE}", re.IGNORECASE
)
AGE = re.compile(
    # "aged 14", "14-year-old", "(14)", "(age 14)", ", 14," -- not "up to age 25", which is policy
    r"\baged\s+\d{1,2}\b|\b\d{1,2}[- ]years?[- ]old\b|\(\s*(?:age\s+)?\d{1,2}\s*\)"
    r"|,\s*(?:age\s+)?\d{1,2}\s*,",
    re.IGNORECASE,
)
SCHOOL = re.compile(
    r"\b(?:[A-Z][\w'-]+\s+){1,4}(?:Primary|Junior|Infant|Infants|Secondary|High|Grammar)?\s*"
    r"(?:School|Academy)\b"
)
YEAR_GROUP = re.compile(r"\bYear\s+(?:1[0-3]|[1-9])\b|\bReception\s+class\b")
ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z'-]+\s+){1,3}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Grove|Terrace|Place|Court"
    r"|Gardens|Walk|Row|Square|Mews|Rise|Green|Park)\b"
)
POSTCODE = re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b")
PHONE = re.compile(r"(?<![\d£$])(?:\+44\s?\(?0?\)?\s?|\b0)(?:\d[\s-]?){9,10}(?!\d)")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Master)\.?\s+[A-Z][a-z'-]+")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|\n+")
# A list item's marker at the start of a line ("- ", "* ", "+ ", "• ", "1. ", "2) "): no part of
# its sentence.
LIST_MARKER = re.compile(r"[ \t]*(?:[-*+\u2022]|\d{1,9}[.)])[ \t]+")
NEAR = 60  # characters between a name and an age for them to belong together

MESSAGES = {
    "date_of_birth": "gives a date of birth",
    "name_and_age": "names someone next to their age",
    "name_school_year": "names a child with their school and year group",
    "home_address": "gives a home address or postcode",
    "phone_number": "gives a phone number",
}

# What each finding means for the officer who wrote it, and what to do, in plain words.
ADVICE = {
    "date_of_birth": "This gives a date of birth. Leave it out: a date of birth with a place "
    "identifies a child.",
    "name_and_age": "This names someone next to their age. If they are a child or a family "
    'member, use a description instead ("a 15-year-old girl") or leave out the age.',
    "name_school_year": "This names a child with their school and year group. Leave out the "
    "name or the school.",
    "home_address": "This gives a home address or postcode. Leave it out, or give only the "
    "town or area.",
    "phone_number": "This gives a phone number. Leave it out: people can find the service "
    "through its web page.",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    field: str
    passage: str

    @property
    def message(self) -> str:
        return f"{self.field} {MESSAGES[self.kind]}: remove or anonymise it"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field,
            "passage": self.passage,
            "message": self.message,
        }


@cache
def first_names() -> frozenset[str]:
    data = load_yaml(NAMES_FILE.read_text(encoding="utf-8"))
    return frozenset(str(name) for name in data["first_names"])


def _names(sentence: str) -> list[re.Match[str]]:
    names = first_names()
    found = [m for m in re.finditer(r"\b[A-Z][a-z'-]+\b", sentence) if m.group() in names]
    return found + list(_TITLED.finditer(sentence))


def _near(names: list[re.Match[str]], others: list[re.Match[str]]) -> bool:
    return any(
        abs(n.start() - o.start()) <= NEAR or abs(o.start() - n.end()) <= NEAR
        for n in names
        for o in others
    )


def _passage(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= 240 else sentence[:239] + "…"


def _sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence starts and ends in the text; one that starts a line starts after a
    list marker, so a passage quoted or marked is the item's words (a mark before "- " made the
    item no item: the moderators saw it run into the one above)."""
    spans, start = [], 0
    for gap in _SENTENCES.finditer(text):
        spans.append((start, gap.start()))
        start = gap.end()
    return [(_after_marker(text, a, b), b) for a, b in [*spans, (start, len(text))]]


def _after_marker(text: str, start: int, end: int) -> int:
    line = text.rfind("\n", 0, start) + 1
    if text[line:start].strip():
        return start  # a sentence after another on its line
    found = LIST_MARKER.match(text, line, end)
    return found.end() if found else start


def flagged(text: str) -> list[tuple[int, int, list[str]]]:
    """Where in the text the check found something, sentence by sentence, and what: so that a
    form can mark the very words that caused a finding."""
    spans = []
    for start, end in _sentences(text):
        kinds = _kinds(text[start:end])
        if kinds:
            spans.append((start, end, kinds))
    return spans


def check_text(field: str, text: str) -> list[Finding]:
    findings: list[Finding] = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        findings += [Finding(kind, field, _passage(sentence)) for kind in _kinds(sentence)]
    return findings


def as_read(sentence: str) -> str:
    """The sentence as a reader sees it (`lookalikes.skeleton`): without the characters that
    show nothing inside words (zero-width spaces and joiners, soft hyphens: pasted from Word or
    the web, or put there to slip by), with full-width letters and digits as ASCII, accents and
    stacked marks off their letters, and other alphabets' look-alikes as the Latin letters they
    look like. "a\u00adged 7", "bo\u200brn on 12 March 2015", and "Mіа, аged 9" in Cyrillic
    "і" and "а", read as the words they show and were not flagged."""
    return skeleton(sentence)


def _kinds(sentence: str) -> list[str]:
    """What one sentence gives away, if anything."""
    sentence = as_read(sentence)
    kinds: list[str] = []
    if DATE_OF_BIRTH.search(sentence):
        kinds.append("date_of_birth")
    names = _names(sentence)
    if names and _near(names, list(AGE.finditer(sentence))):
        kinds.append("name_and_age")
    if names and SCHOOL.search(sentence) and YEAR_GROUP.search(sentence):
        kinds.append("name_school_year")
    if ADDRESS.search(sentence) or POSTCODE.search(sentence):
        kinds.append("home_address")
    if PHONE.search(sentence):
        kinds.append("phone_number")
    return kinds


def check(content: dict[str, Any]) -> list[Finding]:
    """Check every text field of a case study's content; return what was found."""
    findings: list[Finding] = []
    for field in ("title", "summary", "body", "programme"):
        if content.get(field):
            findings += check_text(field, str(content[field]))
    for field in ("outcomes", "partners"):
        for item in content.get(field) or []:
            findings += check_text(field, str(item))
    return findings
