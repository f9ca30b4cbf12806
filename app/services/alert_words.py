"""A search in plain words, for alert emails and the manage page: "“kinship” – Care leavers,
Transition to adulthood (16-25), North West". Made from the vocabulary's labels (the filters'
short ones), so each thing has the name the search's filters and chips give it."""

from app.core.vocabulary import Vocabulary
from app.services.filters import SearchRequest

EVERYTHING = "All new case studies"


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def describe(search: SearchRequest, vocabulary: Vocabulary) -> str:
    """The search in words; EVERYTHING for a search with no words and no filters."""
    filters = search.filters
    parts: list[str] = []

    def labels(name: str, kind: str) -> list[str]:
        return [vocabulary.short_label(kind, value) for value in filters.get(name, [])]

    for name, kind in (
        ("theme", "themes"),
        ("priority_area", "priority_areas"),
        ("age_band", "age_bands"),
    ):
        if found := labels(name, kind):
            parts.append(_either(found))
    if search.age is not None:
        parts.append(f"a child aged {search.age}")
    if regions := [vocabulary.label("regions", r) for r in filters.get("region", [])]:
        parts.append(_either(regions))
    if search.councils:
        parts.append(_either(search.councils))
    if evidence := labels("evidence", "evidence"):
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
    words = ", ".join(parts)
    if parts:
        words = words[0].upper() + words[1:]
    if search.q.strip():
        return f"“{search.q.strip()}”" + (f" – {words}" if words else "")
    return words or EVERYTHING
