"""A search request, and its filters checked against the vocabulary and turned into facets."""

from dataclasses import dataclass, field
from typing import Any

from app.core.errors import Invalid
from app.core.results import Facets, FacetValue
from app.core.vocabulary import FILTERS, Vocabulary
from app.search.index import Sort


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    age: int | None = None
    councils: list[str] = field(default_factory=list)
    published_from: int | None = None
    published_to: int | None = None
    sort: Sort | None = None
    page: int = 1
    per_page: int = 10

    def key(self) -> tuple[Any, ...]:
        """Everything that decides the answer, hashable."""
        return (
            self.q,
            tuple(sorted((name, tuple(values)) for name, values in self.filters.items())),
            self.age,
            tuple(self.councils),
            self.published_from,
            self.published_to,
            self.sort,
            self.page,
            self.per_page,
        )


def _shown(value: str, limit: int = 60) -> str:
    """Quote a value for an error message, cut short so a huge one does not echo back whole."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def validated(vocabulary: Vocabulary, request: SearchRequest) -> dict[str, list[str]]:
    """Return the filters as vocabulary slugs; raise Invalid listing allowed values."""
    selected: dict[str, list[str]] = {}
    errors: list[dict[str, str]] = []
    for name, values in request.filters.items():
        kind = FILTERS[name]
        slugs: list[str] = []
        for value in values:
            slug = vocabulary.region_slug(value) if kind == "regions" else value.strip().lower()
            if slug is None or vocabulary.find(kind, slug) is None:
                allowed = ", ".join(vocabulary.slugs(kind))
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


def age_bands(vocabulary: Vocabulary, selected: dict[str, list[str]], age: int | None) -> None:
    """Fold a child's age into the age band filter: bands that contain it, AND any bands chosen."""
    if age is None:
        return
    bands = vocabulary.bands_for_age(age)
    chosen = selected.get("age_band")
    selected["age_band"] = [b for b in chosen if b in bands] if chosen else bands
    if not selected["age_band"]:
        selected["age_band"] = ["-none-"]  # the chosen bands exclude that age: match nothing


def facets(
    vocabulary: Vocabulary, counts: dict[str, dict[str, int]], selected: dict[str, list[str]]
) -> Facets:
    def values(name: str) -> list[FacetValue]:
        chosen = set(selected.get(name, []))
        kind = FILTERS[name]
        found = [
            FacetValue(
                value=t.slug,
                label=t.label,
                count=counts[name].get(t.slug, 0),
                selected=t.slug in chosen,
            )
            for t in vocabulary.terms(kind)
            if counts[name].get(t.slug) or t.slug in chosen
        ]
        return sorted(found, key=lambda f: -f.count)  # stable: vocabulary order among equals

    return Facets(**{name: values(name) for name in FILTERS})
