"""A search page's facet values, with what does not change from one search to the next kept.

A search at 10k shows a couple of hundred values (149 of them councils). Made afresh, each was
a dict validated into a FacetValue every request: about a millisecond of a warm request's CPU
over HTTP (issue 19). A value with a given label, count and selection is always the same
FacetValue, so each is made once and reused (nothing changes a FacetValue once made); a search
works out its values' counts and order and looks them up, and only values not seen before are
validated, in one call per facet.
"""

from typing import Any

from pydantic import TypeAdapter

from app.core.results import Facets, FacetValue
from app.core.vocabulary import FILTERS, Vocabulary

MEASURED_LABELS = {"true": "Reports measured outcomes", "false": "No measured outcomes yet"}

# (value, label, count, selected): a FacetValue's fields, and the key it is kept under.
_Row = tuple[str, str, int, bool]
_VALUES = TypeAdapter(list[FacetValue])
KEPT_VALUES = 16_384  # about 5 MB; when full, the kept values are let go and made again


class FacetValues:
    """Facets for search pages over one vocabulary: each FacetValue made once and kept."""

    def __init__(self, vocabulary: Vocabulary, kept: int = KEPT_VALUES) -> None:
        self.vocabulary = vocabulary
        self._kept: dict[_Row, FacetValue] = {}
        self._limit = kept

    def facets(
        self,
        counts: dict[str, dict[str, int]],
        selected: dict[str, list[str]],
        councils: dict[str, str],
    ) -> Facets:
        """Facet values with their counts, most first; chosen values are kept even at zero.
        councils maps each council's key in the index to its name."""
        vocabulary = self.vocabulary
        found = {name: self._made(_terms(vocabulary, name, counts, selected)) for name in FILTERS}
        found["council"] = self._made(_named("council", counts, selected, councils, True))
        found["measured"] = self._made(_named("measured", counts, selected, MEASURED_LABELS, False))
        return Facets.model_validate(found)  # FacetValues as they are: not validated again

    def _made(self, rows: list[_Row]) -> list[FacetValue]:
        kept = self._kept
        made: list[Any] = [kept.get(row) for row in rows]
        missing = [n for n, value in enumerate(made) if value is None]
        if missing:
            if len(kept) + len(missing) > self._limit:
                kept.clear()
            fields = [
                {"value": value, "label": label, "count": count, "selected": chosen}
                for value, label, count, chosen in (rows[n] for n in missing)
            ]
            new = _VALUES.validate_python(fields)
            for n, value in zip(missing, new, strict=True):
                made[n] = kept[rows[n]] = value
        return made


def _terms(
    vocabulary: Vocabulary,
    name: str,
    counts: dict[str, dict[str, int]],
    selected: dict[str, list[str]],
) -> list[_Row]:
    """A vocabulary facet's values: counted or chosen, most first, vocabulary order among
    equals (the sort is stable)."""
    chosen = set(selected.get(name, []))
    counted = counts[name]
    rows = [
        (t.slug, t.label, counted.get(t.slug, 0), t.slug in chosen)
        for t in vocabulary.terms(FILTERS[name])
        if counted.get(t.slug) or t.slug in chosen
    ]
    rows.sort(key=lambda row: -row[2])
    return rows


def _named(
    name: str,
    counts: dict[str, dict[str, int]],
    selected: dict[str, list[str]],
    labels: dict[str, str],
    by_label: bool,
) -> list[_Row]:
    """Values named by labels (councils; measured or not): those counted, then those chosen
    and not counted; most first, by label among equals."""
    chosen = set(selected.get(name, []))
    found = counts.get(name, {})
    rows = []
    for key in [*found, *sorted(chosen - set(found))]:
        label = labels.get(key, key)
        rows.append((label if by_label else key, label, found.get(key, 0), key in chosen))
    rows.sort(key=lambda row: (-row[2], row[1]))
    return rows
