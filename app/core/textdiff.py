"""What changed between two versions of a submission's fields, word by word, for a moderator to
read: each field as runs of kept, removed and added text (difflib's opcodes over words)."""

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class Run:
    kind: Kind
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    runs: list[Run]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
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


def field_diffs(changes: dict[str, dict[str, Any]]) -> list[FieldDiff]:
    """The field-by-field changes of an amendment (`{"body": {"from": …, "to": …}}`)."""
    return [
        FieldDiff(name, word_runs(_as_text(change.get("from")), _as_text(change.get("to"))))
        for name, change in changes.items()
    ]
