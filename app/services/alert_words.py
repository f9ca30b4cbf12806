"""A search in plain words, for alert emails and the manage page: "“kinship” – Care leavers,
Transition to adulthood (16-25), North West", and an email's first line ("2 new case studies
match your search for “kinship” in the North West."). Made from the vocabulary's labels (the
filters' short ones), so each thing has the name the search's filters and chips give it."""

from app.core.vocabulary import Vocabulary
from app.services.filters import SearchRequest

EVERYTHING = "All new case studies"


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _labels(search: SearchRequest, vocabulary: Vocabulary, name: str, kind: str) -> list[str]:
    return [vocabulary.short_label(kind, value) for value in search.filters.get(name, [])]


def _what(search: SearchRequest, vocabulary: Vocabulary) -> list[str]:
    """What the search is about: its tags, the child's age."""
    parts: list[str] = []
    for name, kind in (
        ("theme", "themes"),
        ("priority_area", "priority_areas"),
        ("age_band", "age_bands"),
    ):
        if found := _labels(search, vocabulary, name, kind):
            parts.append(_either(found))
    if search.age is not None:
        parts.append(f"a child aged {search.age}")
    return parts


def _regions(search: SearchRequest, vocabulary: Vocabulary) -> list[str]:
    return [vocabulary.label("regions", r) for r in search.filters.get("region", [])]


def _how(search: SearchRequest, vocabulary: Vocabulary) -> list[str]:
    """How strong and when: evidence, measured outcomes, years published."""
    parts: list[str] = []
    if evidence := _labels(search, vocabulary, "evidence", "evidence"):
        parts.append(_either(evidence).lower())
    if search.measured is not None:
        parts.append("measured outcomes" if search.measured else "no measured outcomes yet")
    start, end = search.published_from, search.published_to
    if start or end:
        parts.append(
            f"published {start}–{end}"
            if start and end
            else f"published from {start}"
            if start
            else f"published up to {end}"
        )
    return parts


def describe(search: SearchRequest, vocabulary: Vocabulary) -> str:
    """The search in words; EVERYTHING for a search with no words and no filters."""
    parts = _what(search, vocabulary)
    if regions := _regions(search, vocabulary):
        parts.append(_either(regions))
    if search.councils:
        parts.append(_either(search.councils))
    parts += _how(search, vocabulary)
    words = ", ".join(parts)
    if parts:
        words = words[0].upper() + words[1:]
    if search.q.strip():
        return f"“{search.q.strip()}”" + (f" – {words}" if words else "")
    return words or EVERYTHING


# Regions said with "the" in a sentence: "in the North West", but "in London", "in Wales".
_WITH_THE = ("North ", "South ", "East ", "West ")


def _where(search: SearchRequest, vocabulary: Vocabulary) -> str:
    """Where the search looks, for a sentence: ' in the North West from Cornwall Council'."""
    regions = [f"the {r}" if r.startswith(_WITH_THE) else r for r in _regions(search, vocabulary)]
    where = f" in {_either(regions)}" if regions else ""
    return where + (f" from {_either(search.councils)}" if search.councils else "")


def _asked(search: SearchRequest, vocabulary: Vocabulary) -> str:
    words = search.q.strip()
    return ", ".join(
        ([f"“{words}”"] if words else []) + _what(search, vocabulary) + _how(search, vocabulary)
    )


def _many(count: int) -> str:
    return "1 new case study" if count == 1 else f"{count:,} new case studies"


def summary(count: int, search: SearchRequest, vocabulary: Vocabulary) -> str:
    """An alert email's first line, in plain words: how many new case studies match which
    search: '2 new case studies match your search for “kinship care” in the South West.'"""
    many, asked, where = _many(count), _asked(search, vocabulary), _where(search, vocabulary)
    if asked:
        return f"{many} {'matches' if count == 1 else 'match'} your search for {asked}{where}."
    return f"{many} {'has' if count == 1 else 'have'} been published{where}."


SUBJECT_CHARS = 100  # an inbox shows some 60-90 characters of a subject; the rest is cut


def subject(count: int, search: SearchRequest, vocabulary: Vocabulary) -> str:
    """The summary said short, for the subject line: '2 new case studies for “kinship care”
    in the South West' (it was '2 new case studies: “kinship care” – Yorkshire and the Humber',
    the search's label after a colon). Cut between words, with an ellipsis, past SUBJECT_CHARS."""
    asked, where = _asked(search, vocabulary), _where(search, vocabulary)
    text = _many(count) + (f" for {asked}" if asked else "") + where
    if len(text) <= SUBJECT_CHARS:
        return text
    cut = text.rfind(" ", 0, SUBJECT_CHARS)
    return text[: cut if cut > SUBJECT_CHARS // 2 else SUBJECT_CHARS - 1].rstrip(" ,–") + "…"
