"""What changed between two versions of a submission's fields, word by word, for a moderator to
read: each field as runs of kept, removed and added text (difflib's opcodes over words). The
body is compared as it reads, not as the Markdown it is written in."""

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

from app.core.dates import in_words
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


def _as_text(value: Any, markdown: bool = False, date: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if date:
        return in_words(str(value))
    return readable_text(str(value)) if markdown else str(value)


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


def field_diffs(changes: dict[str, dict[str, Any]]) -> list[FieldDiff]:
    """The field-by-field changes of an amendment (`{"body": {"from": …, "to": …}}`)."""
    diffs = []
    for name, change in changes.items():
        markdown, date = name in MARKDOWN_FIELDS, name in DATE_FIELDS
        before, after = (_as_text(change.get(end), markdown, date) for end in ("from", "to"))
        diffs.append(FieldDiff(name, word_runs(before, after)))
    return diffs
