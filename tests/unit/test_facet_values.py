"""A search page's facet values (FacetValues): counted or chosen values, most first, ties in
vocabulary order (councils: by name), chosen values kept at zero; the same answer whether a
value was made afresh, kept from an earlier search, or made again after the kept ones were let
go."""

from typing import Any

import pytest

from app.core.vocabulary import FILTERS, get_vocabulary
from app.services.facet_values import FacetValues

COUNTS: dict[str, dict[str, int]] = {
    **{name: {} for name in FILTERS},
    "theme": {"family-support": 3, "early-years": 3, "edge-of-care": 1, "domestic-abuse": 0},
    "evidence": {"emerging": 2},
    "council": {"barnet": 2, "ashford": 2, "camden": 5},
    "measured": {"false": 4, "true": 4},
}
SELECTED = {"theme": ["child-protection", "early-years"], "council": ["zeal", "barnet"]}
COUNCILS = {"ashford": "Ashford", "barnet": "Barnet", "camden": "Camden"}


def value(value: str, label: str, count: int, selected: bool = False) -> dict[str, Any]:
    return {"value": value, "label": label, "count": count, "selected": selected}


EXPECTED = {
    "priority_area": [],
    "age_band": [],
    "theme": [
        value("early-years", "Early years", 3, True),  # before family-support: vocabulary order
        value("family-support", "Family support", 3),
        value("edge-of-care", "Edge of care", 1),
        value("child-protection", "Child protection", 0, True),  # chosen: kept at zero
    ],
    "region": [],
    "evidence": [value("emerging", "Emerging practice", 2)],
    "council": [  # the name is the value to pass back
        value("Camden", "Camden", 5),
        value("Ashford", "Ashford", 2),
        value("Barnet", "Barnet", 2, True),
        value("zeal", "zeal", 0, True),  # chosen, not published: its key as its name
    ],
    "measured": [
        value("false", "No measured outcomes yet", 4),  # by label among equals
        value("true", "Reports measured outcomes", 4),
    ],
}


@pytest.mark.parametrize("kept", [1_000, 3])
def test_facet_values_the_same_made_afresh_kept_or_made_again(kept: int) -> None:
    values = FacetValues(get_vocabulary(), kept=kept)
    for _ in range(3):  # first made, then kept (or, with room for 3, let go and made again)
        assert values.facets(COUNTS, SELECTED, COUNCILS).model_dump() == EXPECTED


def test_a_kept_value_is_not_used_for_another_count_or_selection() -> None:
    values = FacetValues(get_vocabulary())
    values.facets(COUNTS, SELECTED, COUNCILS)
    fewer = {**COUNTS, "evidence": {"emerging": 1}, "council": {"camden": 5}}
    found = values.facets(fewer, {"council": ["camden"]}, COUNCILS).model_dump()
    assert found["evidence"] == [value("emerging", "Emerging practice", 1)]
    assert found["council"] == [value("Camden", "Camden", 5, True)]
    assert found["theme"] == [
        value("early-years", "Early years", 3),
        value("family-support", "Family support", 3),
        value("edge-of-care", "Edge of care", 1),
    ]
