"""Ways to compare names that people type: case and spacing never matter, and a council's name
matches in its common forms ("Leeds City Council", "leeds", "Leeds council")."""

import re

# Words around a council's place name that people add or leave out; the longest are tried first.
_PREFIXES = (
    "council of the ",
    "borough council of ",
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "city and county of ",
    "city of ",
    "county of ",
    "borough of ",
    "county ",
    "the ",
)
_SUFFIXES = (
    " metropolitan borough council",
    " metropolitan district council",
    " county borough council",
    " city and district council",
    " london borough council",
    " borough council",
    " district council",
    " county council",
    " city council",
    " london borough",
    " corporation",
    " council",
    " county of",
    " city of",
    " county",
    " city",
)
_PUNCTUATION = re.compile(r"[.,'’`]")


def normal_name(name: str) -> str:
    """'  Leeds  CITY council' -> 'leeds city council'."""
    return " ".join(name.casefold().split())


def name_key(name: str) -> str:
    """A name as it is compared: 'St. Helens', 'st helens' and 'Telford & Wrekin' ->
    'st helens', 'st helens', 'telford and wrekin'."""
    text = _PUNCTUATION.sub("", name.casefold().replace("&", " and ").replace("-", " "))
    return " ".join(text.split())


def place_key(name: str) -> str:
    """The place a council's name names, without the kind of council: 'City of Bradford
    Metropolitan District Council' -> 'bradford', 'Leeds City Council' -> 'leeds'."""
    key = name_key(name)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key[len(prefix) :], True
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
    return key
