"""A search request, and its filters checked against the vocabulary (facet values:
facet_values.py)."""

from dataclasses import dataclass, field, replace
from typing import Any

from app.core.errors import Invalid
from app.core.vocabulary import FILTERS, Vocabulary
from app.search.index import Sort

# The parameters that narrow a search, in the order the search page's links give them (the page
# keeps them in its links; an alert's email links to the page with them).
FILTER_PARAMS = (
    "priority_area",
    "age_band",
    "age",
    "theme",
    "region",
    "council",
    "evidence",
    "published_from",
    "published_to",
    "measured",
)


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    age: int | None = None
    councils: list[str] = field(default_factory=list)
    published_from: int | None = None
    published_to: int | None = None
    measured: bool | None = None  # True: only case studies reporting a measured outcome
    sort: Sort | None = None
    page: int = 1
    per_page: int = 10

    def plan_key(self) -> tuple[Any, ...]:
        """Everything that decides which case studies match and in what order, hashable."""
        return (
            self.q,
            tuple(sorted((name, tuple(values)) for name, values in self.filters.items())),
            self.age,
            tuple(self.councils),
            self.published_from,
            self.published_to,
            self.measured,
            self.sort,
        )

    def key(self) -> tuple[Any, ...]:
        """Everything that decides the answer, hashable."""
        return (*self.plan_key(), self.page, self.per_page)


def _shown(value: str, limit: int = 60) -> str:
    """Quote a value for an error message, cut short so a huge one does not echo back whole."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _slug(vocabulary: Vocabulary, name: str, value: str) -> str | None:
    """The vocabulary slug a filter value names, or None if it names none."""
    kind = FILTERS[name]
    slug = vocabulary.region_slug(value) if kind == "regions" else value.strip().lower()
    return slug if slug is not None and vocabulary.find(kind, slug) is not None else None


def validated(vocabulary: Vocabulary, request: SearchRequest) -> dict[str, list[str]]:
    """Return the filters as vocabulary slugs; raise Invalid listing allowed values."""
    selected: dict[str, list[str]] = {}
    errors: list[dict[str, str]] = []
    for name, values in request.filters.items():
        slugs: list[str] = []
        for value in values:
            slug = _slug(vocabulary, name, value)
            if slug is None:
                allowed = ", ".join(vocabulary.slugs(FILTERS[name]))
                errors.append(
                    {
                        "detail": f"{name}: unknown value {_shown(value)}; allowed: {allowed}",
                        "pointer": f"#/query/{name}",
                    }
                )
            else:
                slugs.append(slug)
        selected[name] = list(dict.fromkeys(slugs))
    if (
        request.published_from
        and request.published_to
        and request.published_from > request.published_to
    ):
        errors.append(
            {
                "detail": "published_from is after published_to; swap them",
                "pointer": "#/query/published_from",
            }
        )
    if errors:
        raise Invalid("; ".join(e["detail"] for e in errors), errors)
    return selected


def known(
    vocabulary: Vocabulary, request: SearchRequest
) -> tuple[SearchRequest, list[tuple[str, str]]]:
    """The request with its filter values as slugs, less those the vocabulary does not know (a
    bookmark made before a value was renamed), and those (name, value) pairs, for a page to
    mention."""
    kept: dict[str, list[str]] = {}
    dropped: list[tuple[str, str]] = []
    for name, values in request.filters.items():
        slugs = {value: _slug(vocabulary, name, value) for value in values}
        kept[name] = list(dict.fromkeys(slug for slug in slugs.values() if slug is not None))
        dropped += [(name, value) for value, slug in slugs.items() if slug is None]
    return replace(request, filters=kept), dropped


def age_bands(vocabulary: Vocabulary, selected: dict[str, list[str]], age: int | None) -> None:
    """Fold a child's age into the age band filter: bands that contain it, AND any bands chosen."""
    if age is None:
        return
    bands = vocabulary.bands_for_age(age)
    chosen = selected.get("age_band")
    selected["age_band"] = [b for b in chosen if b in bands] if chosen else bands
    if not selected["age_band"]:
        selected["age_band"] = ["-none-"]  # the chosen bands exclude that age: match nothing
