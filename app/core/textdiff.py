"""What changed between two versions of a submission's fields, word by word, for a moderator to
read: each field as runs of kept, removed and added text (difflib's opcodes over words). The
body is compared as it reads, not as the Markdown it is written in."""

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

from app.core.dates import in_words
from app.core.drafting import SECTIONS, apart
from app.core.markdown import readable_text

Kind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class Run:
    kind: Kind
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    runs: list[Run]

    @property
    def only_formatting(self) -> bool:
        """The Markdown changed but not a word of what it reads as (emphasis, a heading's level)."""
        return all(run.kind == "same" for run in self.runs)


MARKDOWN_FIELDS = frozenset({"body"})
DATE_FIELDS = frozenset({"published", "updated", "last_reviewed"})  # "2024-03" reads "March 2024"


def _as_text(value: Any, date: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if date:
        return in_words(str(value))
    return str(value)


def _tokens(text: str) -> list[str]:
    """Words with the space after each, so that joining them gives the text back."""
    return re.findall(r"\S+\s*|\s+", text)


def word_runs(before: str, after: str) -> list[Run]:
    a, b = _tokens(before), _tokens(after)
    runs: list[Run] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Run("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(Run("removed", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(Run("added", "".join(b[j1:j2])))
    return runs


def sections(body: str) -> dict[str, str] | None:
    """The body's sections by the form's names (`questions` for its "Questions it helps
    answer"), or None when some of it stands outside them (text before the first heading, a
    heading of its own, as a body sent through the API may have): then it is compared whole."""
    found, rest = {}, body
    for name in SECTIONS:
        found[name], rest = apart(rest, name)
    return None if rest.strip() else found


def _body_diffs(change: dict[str, Any]) -> list[FieldDiff]:
    """The sections that changed, each a diff of its own; the body whole when it is not all in
    sections, or when no section's text changed (only what lies between them)."""
    before, after = (str(change.get(end) or "") for end in ("from", "to"))
    old, new = sections(before), sections(after)
    if old is not None and new is not None:
        diffs = [
            FieldDiff(name, word_runs(readable_text(old[name]), readable_text(new[name])))
            for name in SECTIONS
            if old[name] != new[name]
        ]
        if diffs:
            return diffs
    return [FieldDiff("body", word_runs(readable_text(before), readable_text(after)))]


def changed_fields(changes: dict[str, Any]) -> list[str]:
    """The names of what an amendment changed, its body's by section (as field_diffs shows
    them), for its history to say "Changed: Questions it helps answer"."""
    names: list[str] = []
    for name, change in changes.items():
        is_body = name in MARKDOWN_FIELDS and isinstance(change, dict)
        names += [diff.field for diff in _body_diffs(change)] if is_body else [name]
    return names


def field_diffs(changes: dict[str, dict[str, Any]]) -> list[FieldDiff]:
    """The field-by-field changes of an amendment (`{"body": {"from": …, "to": …}}`), the body's
    section by section."""
    diffs = []
    for name, change in changes.items():
        if name in MARKDOWN_FIELDS:
            diffs += _body_diffs(change)
            continue
        date = name in DATE_FIELDS
        before, after = (_as_text(change.get(end), date=date) for end in ("from", "to"))
        diffs.append(FieldDiff(name, word_runs(before, after)))
    return diffs
