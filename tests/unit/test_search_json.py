"""The API search's JSON (search_page_json): the facets written from each value's kept JSON and
spliced in are byte for byte what pydantic writes for the whole page, for any labels (quotes,
backslashes, control characters, non-ASCII), counts and selections, a value kept or written
afresh, and after the kept ones are let go."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.core.results import Facets, FacetValue, SearchPage, SearchResult
from app.web import presenters
from app.web.presenters import facets_json, search_page_json, search_page_public

text = st.text(max_size=12)
facet_value = st.builds(
    FacetValue, value=text, label=text, count=st.integers(0, 10**6), selected=st.booleans()
)
facets = st.builds(
    Facets,
    **{name: st.lists(facet_value, max_size=4) for name in Facets.model_fields},
)


def result(slug: str, recommended: bool) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": "Title “quoted” & <b>",
        "council": "Barnet",
        "region": "london",
        "summary": "Sum\\mary \u2028 é",
        "priority_areas": ["early-help"],
        "age_bands": [],
        "themes": ["fostering"],
        "evidence": "measured",
        "published": "2020-01",
        "last_reviewed": None,
        "source_url": None,
        "highlights": {"summary": "a <mark>b</mark>"},
        "recommended": recommended,
    }


@given(facets)
def test_the_facets_are_written_as_pydantic_writes_them(made: Facets) -> None:
    expected = made.model_dump_json().encode()
    assert facets_json(made) == expected
    assert facets_json(made) == expected  # each value's JSON now kept


@given(facets, st.sampled_from(["", "http://example.test", "https://a.example/x"]))
def test_the_page_is_written_as_pydantic_writes_it(made: Facets, origin: str) -> None:
    page = SearchPage(
        q='care "leavers"',
        did_you_mean=None,
        also_searched=["kinship care"],
        sort="relevance",
        total=2,
        page=1,
        per_page=10,
        pages=1,
        results=[
            SearchResult.model_validate(result("a", True)),
            SearchResult.model_validate(result("b", False)),
        ],
        facets=made,
    )
    expected = search_page_public(page, origin).model_dump_json().encode()
    assert search_page_json(page, origin) == expected


def test_the_kept_json_is_let_go_when_full_and_written_again(monkeypatch: Any) -> None:
    monkeypatch.setattr(presenters, "_KEPT_VALUES", 2)
    values = [FacetValue(value=f"v{n}", label=f"V {n}", count=n, selected=False) for n in range(5)]
    made = Facets(
        priority_area=values, age_band=values[:1], theme=[], region=[], evidence=values[3:]
    )
    for _ in range(2):
        assert facets_json(made) == made.model_dump_json().encode()
    assert len(presenters._value_json) <= 2
