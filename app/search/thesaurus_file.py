"""Writing moderators' accepted everyday phrases into data/thesaurus.yaml, keeping the file as
people wrote it (its comments and order): new entries are added, as lines, at the end of its
`everyday:` section, and the result is read back as a thesaurus before anyone writes it."""

import json
import re
from datetime import date

import yaml

from app.search.thesaurus import normal, parse_thesaurus

_TOP_KEY = re.compile(r"^[A-Za-z_]+:", re.MULTILINE)


def add_everyday(
    text: str, entries: dict[str, list[str]], today: date | None = None
) -> tuple[str, list[str], list[str]]:
    """The file's text with the entries it lacks added; and the phrases added and those left
    out because the file already has an entry for them (the file's entry wins in search too).

    Raises ValueError if the file has no `everyday:` section or the result does not read."""
    found = re.search(r"^everyday:[ \t]*\n", text, re.MULTILINE)
    if found is None:
        raise ValueError("the thesaurus file has no 'everyday:' section to add to")
    known = {normal(k) for k in (yaml.safe_load(text) or {}).get("everyday") or {}}
    added = [p for p in entries if normal(p) not in known]
    skipped = [p for p in entries if normal(p) in known]
    if not added:
        return text, added, skipped
    following = _TOP_KEY.search(text, found.end())
    end = following.start() if following else len(text)
    section = text[found.end() : end].rstrip("\n") + "\n"
    stamp = (today or date.today()).isoformat()
    lines = [f"  # Accepted by moderators (exported {stamp})\n"]
    lines += [f"  {json.dumps(p)}: {json.dumps(entries[p], ensure_ascii=False)}\n" for p in added]
    updated = text[: found.end()] + section + "".join(lines) + "\n" + text[end:].lstrip("\n")
    parse_thesaurus(yaml.safe_load(updated))  # raises ValueError if it no longer reads
    return updated, added, skipped
