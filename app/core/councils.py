"""The councils of England and Wales a case study may name, and how a typed name finds one.

The names come from data/councils.yaml: every principal council (current and abolished) as
published by mySociety from the official registers, the spellings the bundled collection uses,
and the collection's joint programmes, which name several councils and are allowed as written.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.config import ROOT
from app.core.names import name_key, normal_name, place_key

COUNCILS_FILE = ROOT / "data" / "councils.yaml"
KINDS = ("CTY", "UA", "MD", "LBO", "CC", "NMD", "WPA")
# "Leeds City Council (with West Yorkshire Police)": a council, then a note in brackets.
_QUALIFIED = re.compile(r"^(?P<council>[^()]+?)\s*(?P<note>\(.*\))$", re.S)


@dataclass(frozen=True)
class Council:
    code: str
    name: str = field(compare=False)  # the official name
    short: str = field(compare=False)
    kind: str = field(compare=False)
    ended: str | None = field(default=None, compare=False)
    known_as: tuple[str, ...] = field(default=(), compare=False)  # the collection's spellings


class UnknownCouncil(ValueError):
    """A name that is not a council we know; the message names the closest ones."""


@dataclass
class Councils:
    councils: tuple[Council, ...]
    joint: tuple[str, ...]
    _spelled: dict[str, tuple[str, list[Council]]] = field(default_factory=dict, repr=False)
    _places: dict[str, list[Council]] = field(default_factory=dict, repr=False)
    _joint: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for council in self.councils:
            for form in (council.name, *council.known_as):
                self._spelled.setdefault(name_key(form), (form, []))[1].append(council)
            for form in (council.name, council.short, *council.known_as):
                self._places.setdefault(place_key(form), []).append(council)
        self._joint = {name_key(text): text for text in self.joint}

    def find(self, name: str) -> Council | None:
        """The council a name means, in any common form; a current council before an old one."""
        key = name_key(name)
        spelled = self._spelled.get(key)
        found = spelled[1] if spelled else self._places.get(place_key(key), [])
        return sorted(found, key=lambda c: c.ended is not None)[0] if found else None

    def canonical(self, name: str) -> str:
        """Return the name as stored: a known spelling kept (case and spacing put right), any
        other form of a council's name replaced by its official name, a note in brackets kept.
        Raise UnknownCouncil, naming the closest councils, for anything else."""
        text = " ".join(name.split())
        if name_key(text) in self._joint:
            return self._joint[name_key(text)]
        qualified = _QUALIFIED.match(text)
        head, note = (qualified["council"], qualified["note"]) if qualified else (text, "")
        council = self.find(head)
        if council is None:
            raise UnknownCouncil(self._unknown(text))
        spelled = self._spelled.get(name_key(head))
        stored = spelled[0] if spelled else council.name
        return f"{stored} {note}" if note else stored

    def same(self, a: str, b: str) -> bool:
        """Whether two names are one council's: spelled alike, or naming the same council in
        any of its forms, a note in brackets aside. A joint programme is only itself."""
        if normal_name(a) == normal_name(b):
            return True
        first, second = self._single(a), self._single(b)
        return first is not None and first == second

    def _single(self, name: str) -> Council | None:
        text = " ".join(name.split())
        if name_key(text) in self._joint:
            return None
        qualified = _QUALIFIED.match(text)
        return self.find(qualified["council"] if qualified else text)

    def suggestions(self, name: str, n: int = 3) -> list[str]:
        """The current councils whose names are closest to what was typed."""
        places: dict[str, str] = {}
        for council in self.councils:
            if council.ended is None:
                for form in (council.name, council.short, *council.known_as):
                    places.setdefault(place_key(form), council.name)
        close = difflib.get_close_matches(place_key(name), list(places), n=3 * n, cutoff=0.6)
        return list(dict.fromkeys(places[key] for key in close))[:n]

    def _unknown(self, name: str) -> str:
        close = self.suggestions(name)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        return (
            f"{name!r} is not a council of England or Wales that we know.{hint} Give the "
            "council's name, such as 'Leeds City Council'; a council we do not list yet is "
            "added by the campaign team."
        )


class CouncilsError(ValueError):
    """The councils file is malformed; the message names the entry."""


def _council(row: Any, known_as: dict[str, list[str]]) -> Council:
    if not isinstance(row, list) or not 4 <= len(row) <= 5 or not all(row[:4]):
        raise CouncilsError(f"councils: {row!r} is not [code, name, short name, kind, ended?]")
    code, name, short, kind, *ended = (str(part) for part in row)
    if kind not in KINDS:
        raise CouncilsError(f"councils: {code} has kind {kind!r}; allowed: {', '.join(KINDS)}")
    return Council(
        code, name, short, kind, ended[0] if ended else None, tuple(known_as.get(code, []))
    )


def load_councils(path: Path) -> Councils:
    """Read and validate a councils file; raise CouncilsError naming what is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("councils"), list):
        raise CouncilsError(f"{path}: expected councils, known_as and joint")
    known_as: dict[str, list[str]] = data.get("known_as") or {}
    councils = tuple(_council(row, known_as) for row in data["councils"])
    codes = [c.code for c in councils]
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        raise CouncilsError(f"councils: duplicated codes {duplicated}")
    strays = sorted(set(known_as) - set(codes))
    if strays:
        raise CouncilsError(f"known_as: no council has the codes {strays}")
    return Councils(councils, tuple(str(text) for text in data.get("joint") or ()))


@cache
def get_councils() -> Councils:
    """Return the project's councils, loaded and validated once per process."""
    return load_councils(COUNCILS_FILE)


def same_council(a: str | None, b: str | None) -> bool:
    """Whether two names are one council's ('Calderdale Council', 'calderdale')."""
    return a is not None and b is not None and get_councils().same(a, b)
