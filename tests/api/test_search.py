"""The search contract, through HTTP."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app_fixtures import MakeClient


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def slugs(body: dict[str, Any]) -> list[str]:
    return [r["slug"] for r in body["results"]]


def counts(body: dict[str, Any], facet: str) -> dict[str, int]:
    return {f["value"]: f["count"] for f in body["facets"][facet]}


@pytest.fixture(scope="module")
def client(reader: TestClient) -> TestClient:
    """Every test here only reads: one app per module and database."""
    return reader


def test_no_query_lists_everything_newest_first(client: TestClient) -> None:
    body = search(client)
    assert body["total"] == 6
    assert body["sort"] == "newest"
    assert slugs(body) == [
        "east-early-years",  # 2021-03-04
        "north-family-support",  # 2020
        "north-care-leavers",  # 2019-05
        "west-social-work-academy",  # 2018-09
        "south-fostering",  # 2017
        "london-exploitation",  # undated: last
    ]


@pytest.mark.parametrize("q", ["a" * 100, "x" * 41, "zq" * 40 + " " + "k" * 60])
def test_a_query_of_only_overlong_words_finds_nothing_not_everything(
    client: TestClient, q: str
) -> None:
    """Such words are dropped before parsing; left with nothing, the search listed the whole
    collection as if it matched "by best match". No word that long is in any case study."""
    body = search(client, q=q)
    assert (body["total"], body["results"]) == (0, [])
    assert search(client, q=q + " fostering")["total"] > 0  # a real word beside one still counts


def test_result_carries_the_documented_fields(client: TestClient) -> None:
    result = search(client, q="apprenticeships")["results"][0]
    assert result == {
        "slug": "north-care-leavers",
        "title": "Apprenticeships for care leavers",
        "council": "North Tyneside Council",
        "region": "North East",
        "summary": "North Tyneside offered apprenticeships to care leavers with a mentor each.",
        "priority_areas": ["outcomes-focus"],
        "age_bands": ["16-25"],
        "themes": ["care-leavers", "employment-and-skills"],
        "evidence": "measured",
        "published": "2019-05",
        "last_reviewed": "2019-05",  # the file gives none: when it was published
        "source_url": "https://example.org/north-care-leavers",
        "url": "http://testserver/api/v1/case-studies/north-care-leavers",
        "highlights": {
            "title": "<mark>Apprenticeships</mark> for care leavers",
            "summary": "North Tyneside offered <mark>apprenticeships</mark> to care leavers"
            " with a mentor each.",
        },
    }


def test_stemming_finds_other_word_forms(client: TestClient) -> None:
    assert slugs(search(client, q="recruitment foster"))[0] == "south-fostering"


def test_title_match_ranks_above_body_match(client: TestClient) -> None:
    # "family support" is in one title and another's themes; every sample case study's body
    # says "families", a word too common to match alone, so the two are all that match.
    body = search(client, q="family support")
    assert body["total"] == 2
    assert slugs(body)[0] in {"north-family-support"}


def test_phrase_query_needs_the_words_together(client: TestClient) -> None:
    assert slugs(search(client, q='"social work academy"')) == ["west-social-work-academy"]


def test_curly_quotes_make_a_phrase_as_straight_ones_do(client: TestClient) -> None:
    # A phone (iOS's smart punctuation), a Mac and Word type “ ” for the " the search box's
    # hint asks for: the words were searched one by one, and "social" alone found more.
    assert slugs(search(client, q="social work academy")) != ["west-social-work-academy"]
    for typed in ("“social work academy”", "„social work academy“", "″social work academy″"):
        assert slugs(search(client, q=typed)) == ["west-social-work-academy"], typed


def test_british_and_american_spellings_match(client: TestClient) -> None:
    assert search(client, q="centre")["total"] == search(client, q="center")["total"] == 1


def test_filters_or_within_a_field_and_across_fields(client: TestClient) -> None:
    either = search(client, theme=["fostering", "workforce"])
    assert sorted(slugs(either)) == ["south-fostering", "west-social-work-academy"]
    both = search(client, theme=["fostering", "workforce"], region="South West")
    assert slugs(both) == ["south-fostering"]


def test_facets_are_disjunctive(client: TestClient) -> None:
    everything = counts(search(client), "priority_area")
    chosen = search(client, priority_area="early-help")
    assert counts(chosen, "priority_area") == everything
    assert chosen["total"] == everything["early-help"] == 3
    # Other facets narrow to the selection.
    assert counts(chosen, "region") == {"north-east": 1, "east-of-england": 1, "london": 1}
    selected = [f["value"] for f in chosen["facets"]["priority_area"] if f["selected"]]
    assert selected == ["early-help"]


def test_facet_values_have_labels(client: TestClient) -> None:
    bands = search(client)["facets"]["age_band"]
    assert {"value": "0-5", "label": "Early years (0-5)", "count": 2, "selected": False} in bands


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (3, {"east-early-years", "west-social-work-academy"}),
        (
            11,
            {
                "south-fostering",
                "west-social-work-academy",
                "london-exploitation",
                "north-family-support",
            },
        ),
        (20, {"north-care-leavers", "london-exploitation"}),
    ],
)
def test_age_matches_every_band_containing_it(
    client: TestClient, age: int, expected: set[str]
) -> None:
    assert set(slugs(search(client, age=age, per_page=50))) == expected


def test_region_accepts_label_or_slug(client: TestClient) -> None:
    assert (
        search(client, region="north-east")["total"]
        == search(client, region="North East")["total"]
        == 2
    )


def test_council_filter_ignores_case(client: TestClient) -> None:
    assert sorted(slugs(search(client, council="north tyneside council"))) == [
        "north-care-leavers",
        "north-family-support",
    ]


def test_published_year_range(client: TestClient) -> None:
    body = search(client, published_from=2018, published_to=2020)
    assert sorted(slugs(body)) == [
        "north-care-leavers",
        "north-family-support",
        "west-social-work-academy",
    ]


def test_sort_by_title(client: TestClient) -> None:
    titles = [r["title"] for r in search(client, sort="title")["results"]]
    assert titles == sorted(titles, key=str.casefold)


def test_pagination_pages_through_everything_once(client: TestClient) -> None:
    seen = []
    for page in (1, 2, 3):
        body = search(client, per_page=2, page=page)
        assert (body["total"], body["pages"], body["per_page"]) == (6, 3, 2)
        seen += slugs(body)
    assert sorted(seen) == sorted(slugs(search(client)))
    assert search(client, per_page=2, page=4)["results"] == []


def test_highlights_escape_everything_but_mark(make_client: Any) -> None:
    from testkit.factories import make_case_study

    study = make_case_study(
        summary="Parents said 5 < 6 > 4 & the fostering helped."  # tags never get this far
    )
    with make_client([study]) as client:
        summary = search(client, q="fostering")["results"][0]["highlights"]["summary"]
    assert summary == ("Parents said 5 &lt; 6 &gt; 4 &amp; the <mark>fostering</mark> helped.")


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "no-such-theme"},
        {"priority_area": "fast"},
        {"age_band": "3-4"},
        {"region": "Atlantis"},
        {"evidence": "anecdotal"},
    ],
)
def test_unknown_filter_value_lists_the_allowed_values(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    ((name, value),) = params.items()
    assert f"unknown value {value!r}" in problem["detail"]
    assert "allowed:" in problem["detail"]
    assert problem["errors"][0]["pointer"] == f"#/query/{name}"


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 51},
        {"page": 0},
        {"age": -1},
        {"age": "ten"},
        {"sort": "random"},
        {"published_from": 2020, "published_to": 2010},
        {"q": "x" * 1001},
    ],
)
def test_out_of_range_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


HOSTILE = [
    '"',
    "(",
    ")",
    "AND",
    "OR NOT",
    "NOT NOT NOT",
    "*",
    "*ing",
    "?",
    "a*",
    "title:",
    "title:(",
    "\x00",
    "\x1b[31m",
    "x" * 1000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "~~~",
    "\\",
    "[a TO",
    "{}",
    "^2",
    "care AND (leavers",
    "%",
    "😀 fostering",
    "the of and",
    "a" * 300 + "*",
    '"unbalanced phrase',
    "fost*",
    "\u202e\u200b",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_get_an_answer(client: TestClient, q: str) -> None:
    body = search(client, q=q)
    assert body["total"] == len(body["results"]) or body["total"] > len(body["results"])


def test_emoji_and_control_characters_still_search_the_words(client: TestClient) -> None:
    assert slugs(search(client, q="😀 fostering\x00")) == ["south-fostering"]


def test_only_stop_words_finds_nothing_rather_than_failing(client: TestClient) -> None:
    assert search(client, q="the of and")["total"] == 0


def test_a_huge_unknown_value_is_not_echoed_back_whole(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"theme": "x" * 5000})
    assert response.status_code == 422
    assert len(response.text) < 2500
    assert "unknown value 'xxxx" in response.json()["detail"]


def test_a_service_with_no_case_studies_yet_starts_and_finds_nothing(
    make_client: MakeClient,
) -> None:
    """A new service whose store is empty (nothing bundled to load) starts, is ready, and
    answers searches with no results rather than failing at start."""
    with make_client([]) as client:
        assert client.get("/readyz").status_code == 200
        body = search(client, q="care")
        page = client.get("/", params={"q": "care"})
    assert body["total"] == 0 and body["results"] == []
    assert page.status_code == 200
