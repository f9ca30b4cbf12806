"""The search page through HTTP: the form without JavaScript, the sort in effect, the filter
panel (order, short names, hints, chips), feeds and CSV of each search, and the edge states in
plain words. tests/browser drives the same page in Chromium."""

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

ATOM = "{http://www.w3.org/2005/Atom}"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(reader: TestClient) -> TestClient:
    """Every test here only reads: one app per module and database."""
    return reader


def test_the_search_page_is_a_working_form_without_javascript(client: TestClient) -> None:
    page = client.get("/?q=foster+carers&theme=fostering")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<form id="search" class="search" method="get" action="/">' in html
    assert '<div class="searchbar" role="search">' in html
    assert 'value="foster carers"' in html
    assert 'id="f-theme-fostering" name="theme" value="fostering" checked' in html
    # the words typed side by side are one phrase, marked as one
    assert "Recruiting <mark>foster carers</mark> for teenagers" in html
    assert (
        '<a href="/case-studies/south-fostering?from=q%3Dfoster%2Bcarers%26theme%3Dfostering">'
        in html
    )
    assert "1 case study" in html
    assert '<button type="submit" class="apply"' in html  # applies the filters without JS


def test_typed_words_rank_by_relevance_unless_a_sort_is_chosen(client: TestClient) -> None:
    browse = client.get("/").text
    # The home page's sort is the default in effect (newest), sent as no sort at all.
    assert '<option value="" selected>Newest</option>' in browse
    assert 'value="newest"' not in browse
    # A search typed on it (the form sends sort= empty) is ranked by relevance.
    typed = client.get("/?q=family&sort=").text
    assert '<option value="" selected>Best match</option>' in typed
    first = re.search(r'<h3><a href="/case-studies/([\w-]+)[?"]', typed)
    assert first is not None and first.group(1) == "north-family-support"
    chosen = client.get("/?q=family&sort=newest").text
    assert '<option value="newest" selected>Newest</option>' in chosen
    assert chosen.index("east-early-years") < chosen.index("north-family-support")


def test_search_page_facets_link_and_paginate(client: TestClient) -> None:
    html = client.get("/?per_page=2").text
    assert "6 case studies" in html
    assert '<span class="page-of">, page 1 of 3</span>' in html
    assert 'href="/?per_page=2&amp;page=2" rel="next"' in html
    second = client.get("/?per_page=2&page=2").text
    assert 'aria-current="page" href="/?per_page=2&amp;page=2"' in second
    assert 'rel="prev"' in second


def filter_panel(html: str) -> str:
    return html[html.index('<section id="filters"') : html.index('<section id="results"')]


def test_the_filter_panel_is_ordered_for_people(client: TestClient) -> None:
    panel = filter_panel(client.get("/").text)
    groups = re.findall(r'<details class="group" id="group-([\w-]+)"', panel)
    assert groups == [
        "region",
        "council",
        "priority_area",
        "age_band",
        "evidence",
        "theme",
        "published",
    ]
    values = lambda name: re.findall(rf'name="{name}" value="([^"]+)"', panel)  # noqa: E731
    assert values("age_band") == ["0-5", "5-11", "11-16", "16-25"]  # by age, not by count
    assert values("evidence") == ["evaluated", "measured", "emerging"]  # by strength
    themes = re.findall(r'<label for="f-theme-[\w-]+">([^<]+) <span', panel)
    assert themes == sorted(themes, key=str.casefold) and len(themes) == 11
    assert values("council")[0] == "Essex County Council"  # alphabetical
    assert values("measured") == ["true", "false"]
    assert 'name="published_from"' in panel and '<option value="2017">2017</option>' in panel
    # Priority areas by their short name, the vocabulary's description as the hint.
    assert '<label for="f-priority-area-early-help">Early help <span class="count">(3)</span>' in (
        panel
    )
    assert 'aria-describedby="f-priority-area-early-help-hint"' in panel
    assert "Help that reaches children and families early" in panel
    # Long lists get a box that narrows them (shown by the script), inside their group.
    assert '<input type="search" id="narrow-theme"' in panel
    assert 'href="#results">Skip to results</a>' in panel


def test_groups_in_use_are_open_and_chosen_filters_are_chips(client: TestClient) -> None:
    html = client.get("/?q=care&region=North+East&measured=true").text
    assert '<details class="group" id="group-region" open>' in html
    assert '<details class="group" id="group-theme">' in html
    assert '<span class="group-chosen">1 selected</span>' in html
    assert 'aria-label="Remove filter Region: North East">Region: North East' in html
    assert 'href="/?q=care&amp;measured=true" aria-label="Remove filter Region: North East"' in html
    assert ">Measured outcomes: reported <span" in html
    assert '<a href="/?q=care">Clear all filters</a>' in html
    assert 'Filter <span class="chosen-count">(2 selected)</span>' in html


def test_the_evidence_level_and_measured_outcomes_are_told_apart(client: TestClient) -> None:
    """Two filters in one section: the level "Outcomes measured" and whether a case study
    reports measured outcomes (a yes or no). The chip "Outcomes: measured" read as the level."""
    html = client.get("/?evidence=measured&measured=true&measured=false").text
    section = html[html.index('id="group-evidence"') : html.index('id="group-theme"')]
    assert re.findall(r"<legend[^>]*>([^<]*)</legend>", section) == [
        "Evidence level",
        "Measured outcomes",
    ]
    assert '<span class="group-title">Evidence</span>' in section
    chips = re.findall(r'aria-label="Remove filter ([^"]*)"', html)
    assert "Evidence level: Outcomes measured" in chips
    assert [chip for chip in chips if chip.startswith("Measured outcomes: ")] in (
        ["Measured outcomes: reported"],
        ["Measured outcomes: none reported yet"],
    )
    none = client.get("/?measured=false").text
    assert 'aria-label="Remove filter Measured outcomes: none reported yet"' in none


def test_councils_and_years_filter_from_the_page(client: TestClient) -> None:
    html = client.get("/?council=North+Tyneside+Council&published_from=2020").text
    assert "1 case study" in html  # Northtown's two are from 2019 and 2020
    assert re.search(r'value="North Tyneside Council" checked', html)
    assert '<option value="2020" selected>2020</option>' in html
    assert "Council: North Tyneside Council" in html and "Published from: 2020" in html


def test_the_no_results_state_helps(client: TestClient) -> None:
    html = client.get("/?q=apprenticeships&theme=fostering").text
    assert "No case studies match “apprenticeships” with these filters" in html
    assert 'href="/?q=apprenticeships">Remove the filter “Theme: Fostering”' in html
    assert "Without the filters, these words find 1 case study" in html
    corrected = client.get("/?q=fosterring").text
    assert "Showing results for <strong>fostering</strong>" in corrected
    # A misspelling is corrected with a filter ticked too.
    filtered = client.get("/?q=fosterring&age_band=11-16").text
    assert "Showing results for <strong>fostering</strong>" in filtered
    assert "1 case study" in filtered


def test_a_corrected_search_names_the_word_no_case_study_contains(client: TestClient) -> None:
    # "cheaper than residential homes" said "nothing published contains a word of …": a
    # councillor reads that none of their words is in any case study, when only one was not.
    html = client.get("/?q=fosterring+care").text
    assert (
        "Showing results for <strong>fostering care</strong>: no case study contains the word"
        " “fosterring”." in html
    )
    two = client.get("/?q=fosterring+carre").text
    assert "no case study contains the words “fosterring” or “carre”." in two


def test_user_text_is_escaped_on_pages(client: TestClient) -> None:
    html = client.get('/?q=<script>alert("x")</script>').text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize("query", ["q=care", "q=zzzqqq"])
def test_the_way_to_get_emails_comes_before_the_results(client: TestClient, query: str) -> None:
    html = client.get(f"/?{query}").text
    link = html.index(
        '<a href="#alerts">Get emails<span class="visually-hidden"> about this search</span></a>'
    )
    assert link < html.index('class="hits"' if "care" in query else 'class="empty"')
    assert 'id="alerts" class="alert-signup"' in html[link:]


def test_get_emails_is_worded_for_a_search_that_finds_nothing(client: TestClient) -> None:
    """With no results there are no case studies "like these": the sign-up says what it does."""
    none = client.get("/?q=zzzqqq").text
    assert '<h2 id="alert-heading">Get emails when a case study matches this search</h2>' in none
    assert "like these" not in none
    assert '<a href="#alerts">Get emails<span class="visually-hidden">' in none  # still there
    some = client.get("/?q=care").text
    assert '<h2 id="alert-heading">Get emails about new case studies like these</h2>' in some


def test_words_that_find_nothing_offer_the_themes_to_look_through(client: TestClient) -> None:
    """Families rarely type the sector's words: a search that finds nothing offers its topics."""
    html = client.get("/?q=zzzqqq").text
    offered = re.findall(r'<li><a href="/\?theme=([\w-]+)">([^<]+)</a> \((\d+)\)</li>', html)
    in_use = {
        f["value"]: f["count"] for f in client.get("/api/v1/search").json()["facets"]["theme"]
    }
    assert '<h2 class="browse-heading">Or look through a theme</h2>' in html
    assert {slug: int(count) for slug, _, count in offered} == {
        slug: count for slug, count in in_use.items() if count
    }
    labels = [label.casefold() for _, label, _ in offered]
    assert labels == sorted(labels)  # scanned for a word
    theme = offered[0][0]
    assert client.get(f"/?theme={theme}").text.count('class="result') >= 1
    # Only when words found nothing: not on a search that finds something, nor on the home page.
    assert "browse-heading" not in client.get("/?q=care").text
    assert "browse-heading" not in client.get("/").text


def test_every_search_offers_its_feed_and_csv(client: TestClient) -> None:
    html = client.get("/?q=care&region=north-east&sort=title").text
    feed = "/feeds/case-studies.atom?q=care&amp;region=north-east"
    # The address to copy into a feed reader: a link to the feed opened a screen of XML.
    assert "<summary>Follow new case studies for this search in a feed reader</summary>" in html
    assert f'readonly value="http://testserver{feed}">' in html
    assert f'<a href="{feed}">' not in html
    title = "New case studies: “care” – Region: North East"
    assert f'type="application/atom+xml" title="{title}" href="{feed}"' in html
    assert (
        '<a href="/api/v1/search.csv?q=care&amp;region=north-east&amp;sort=title" download>' in html
    )
    atom = ET.fromstring(client.get(feed.replace("&amp;", "&")).content)
    assert (
        atom.findtext(f"{ATOM}title")
        == "Bright Futures: new case studies – “care” – Region: North East"
    )


def test_a_renamed_filter_value_in_a_page_url_is_dropped_with_a_notice(client: TestClient) -> None:
    page = client.get("/?theme=nope&theme=fostering", headers=HTML)
    assert page.status_code == 200
    assert "There is no theme “nope” (it may have been renamed)" in page.text
    assert "1 case study" in page.text  # fostering kept
    assert 'href="/?theme=nope' not in page.text  # no link carries it on
    api = client.get("/api/v1/search?theme=nope")  # the API keeps its 422
    assert api.status_code == 422
    assert api.headers["content-type"] == "application/problem+json"


def test_many_unknown_values_of_one_filter_are_named_in_one_notice(client: TestClient) -> None:
    # A link with 49 made-up themes wrote 49 notices, one a box, above the results.
    made_up = "&".join(f"theme=made-up-{n}" for n in range(49))
    page = client.get(f"/?{made_up}&theme=fostering&region=Narnia&region=Atlantis", headers=HTML)
    assert page.status_code == 200
    notices = re.findall(r'<p class="notice">([^<]*)</p>', page.text)
    assert notices == [
        "There are no themes “made-up-0”, “made-up-1”, “made-up-2” and 46 others (they may "
        "have been renamed), so those filters were left out.",
        "There are no regions “Narnia” and “Atlantis” (they may have been renamed), so those "
        "filters were left out.",
    ]
    assert "1 case study" in page.text  # fostering kept


def test_a_page_past_the_end_shows_the_last_page(client: TestClient) -> None:
    html = client.get("/?per_page=2&page=99").text
    assert "There are only 3 pages of results, so the last is shown." in html
    assert '<span class="page-of">, page 3 of 3</span>' in html
    assert html.count('<article class="hit" id="result-') == 2


def test_a_long_search_that_finds_nothing_is_quoted_by_its_first_words(client: TestClient) -> None:
    """It was quoted whole, in bold: up to a thousand characters, a phone's screen or more."""
    typed = "zzyzx " + "quokka " * 100
    html = client.get("/", params={"q": typed}).text
    said = html.split("No case studies match")[1].split("</strong>")[0]
    assert said.startswith(" “zzyzx quokka") and said.endswith("…”.")
    assert len(said) < 130
    short = client.get("/", params={"q": "zzyzx quokka"}).text
    assert "No case studies match “zzyzx quokka”." in short


def test_control_characters_in_a_search_are_not_shown_back(client: TestClient) -> None:
    """A NUL typed into the address was echoed into the page's search box and its words, and
    a right-to-left override turned the quoted search around."""
    html = client.get("/", params={"q": "kin\x00ship \u202ecare\x1b"}).text
    assert "\x00" not in html and "\x1b" not in html and "\u202e" not in html
    assert 'value="kin ship care"' in html  # as the search reads them: as spaces


def test_an_over_long_query_says_it_was_shortened(client: TestClient) -> None:
    words = "fostering " * 150  # 1,500 characters
    html = client.get("/", params={"q": words}).text
    assert (
        "Your search was longer than 1,000 characters, so it was shortened to its first 999."
        in (html)
    )
    # The page's title (the tab, the history, what a screen reader says first) takes the
    # question's first words, not all thousand characters.
    title = " ".join(["fostering"] * 7) + "… – Bright Futures case study search"
    assert f"<title>{title}</title>" in html
    short = client.get("/", params={"q": "kinship care for my little brother"}).text
    assert "<title>kinship care for my little brother – Bright Futures" in short
    assert client.get("/api/v1/search", params={"q": words}).status_code == 422


def test_a_filtered_search_without_words_is_titled_by_its_filters(client: TestClient) -> None:
    """Not the home page's title: the tab and the history say which search it is."""
    site = "Bright Futures case study search"
    html = client.get("/?region=north-east&measured=true").text
    assert f"<title>Region: North East; Measured outcomes: reported – {site}</title>" in html
    paged = client.get("/?region=north-east&per_page=1&page=2").text
    assert re.findall(r"<title>(.*) – Bright", paged) == ["Region: North East (page 2 of 2)"]
    assert f"<title>{site}</title>" in client.get("/").text
    assert f"<title>care – {site}</title>" in client.get("/?q=care&region=north-east").text


def test_a_year_range_the_wrong_way_round_is_an_error_summary(client: TestClient) -> None:
    html = client.get("/?published_from=2021&published_to=2017").text
    assert "<title>Error: Bright Futures case study search</title>" in html
    assert '<h2 id="error-summary-title">There is a problem</h2>' in html
    assert 'role="alert" tabindex="-1" autofocus>' in html  # focused on loading, as GOV.UK's
    assert '<a href="#published_from">The year to start from must be the same as' in html
    assert 'aria-describedby="years-hint published_from-error"' in html
    assert "6 case studies" in html  # the years are not applied until they are put right


def test_a_year_edited_into_the_address_is_an_error_at_its_field(client: TestClient) -> None:
    # Not a year, a month pasted in, a year out of range: each is put at its field in an
    # error summary, as the form would, while the rest of the search still applies.
    cases = {
        "published_from": ("banana", "2024-13"),
        "published_to": ("1850", "2024-13"),
    }
    for name, values in cases.items():
        for value in values:
            html = client.get("/", params={"q": "fostering", name: value, "theme": "fostering"})
            html = html.text
            assert "<title>Error: fostering – Bright Futures case study search</title>" in html
            assert '<h2 id="error-summary-title">There is a problem</h2>' in html
            summary = re.search(rf'<li><a href="#{name}">([^<]+)</a></li>', html)
            assert summary is not None and f"“{value}” is not a year" in summary.group(1)
            assert f'<p id="{name}-error" class="error-message">' in html
            assert f'aria-describedby="years-hint {name}-error"' in html
            assert '<details class="group" id="group-published" open>' in html
            assert "1 case study" in html  # the words and the theme still apply
            assert '<p class="notice">' not in html  # an error to put right, not a notice
            assert client.get("/api/v1/search", params={name: value}).status_code == 422
    # The other year, being right, still applies.
    html = client.get("/?published_from=banana&published_to=2017").text
    assert '<option value="2017" selected>2017</option>' in html
    assert "published_to-error" not in html
    assert "case studies" in html and "6 case studies" not in html


def test_nonsense_in_a_page_url_is_left_out_with_a_notice(client: TestClient) -> None:
    html = client.get("/?age=ninety&sort=sideways&measured=perhaps&page=x").text
    for value in ("ninety", "sideways", "perhaps"):
        assert f"“{value}” is not a " in html
    assert "“x” is not a page number, so the first page is shown." in html
    assert "6 case studies" in html
    first = client.get("/?per_page=2&page=0").text  # shown the first page, and told why
    assert "page 1 of 3" in first and "“0” is not a page number" in first


def test_digits_that_make_no_number_are_left_out_too(client: TestClient) -> None:
    """A "²" passes str.isdigit but not int(), and int() refuses over 4,300 digits: each was a
    500 from the search page (and the alert form, which reads the same address)."""
    huge = "9" * 4400
    for query in ("age=²", "per_page=⁵", f"age={huge}", f"per_page={huge}"):
        html = client.get(f"/?{query}").text
        assert "is not a child&#39;s age we know" in html or "is not a number of results" in html
        assert "6 case studies" in html
    for value in ("²", huge):
        html = client.get("/", params={"published_from": value}).text
        assert f"{value[:40]}" in html and "is not a year" in html
        assert client.get(f"/alerts/new?published_from={value}&age={value}").status_code == 200
    assert "page 3 of 3" in client.get(f"/?per_page=2&page={huge}").text  # the last page
    assert "page 1 of 3" in client.get("/?per_page=2&page=²").text
    assert "page 2 of 3" in client.get("/?per_page=2&page=٢").text  # an Arabic-Indic 2 reads


def test_the_page_has_one_polite_live_region_from_the_start(client: TestClient) -> None:
    html = client.get("/").text
    # The results have one live region; the embed panel's copy buttons confirm in their own,
    # inside the (closed) panel, and say nothing until one is pressed.
    results = html.split('<details class="embed"')[0]
    assert results.count('role="status"') == 1 and "aria-live" not in html
    assert '<p id="results-status" class="visually-hidden" role="status"></p>' in html
    assert '<h2 id="results-heading" tabindex="-1">' in html


def test_blank_fields_from_the_form_without_javascript_leave_the_address(
    client: TestClient,
) -> None:
    """The form sends every field: "Any year" and the default sort came back in the address a
    person copies as `sort=&published_from=&published_to=`. Sent to the same search without
    them, as the page's script already writes its addresses."""
    sent = client.get(
        "/?q=kinship+care&sort=&theme=fostering&published_from=&published_to=",
        follow_redirects=False,
    )
    assert sent.status_code == 302
    assert sent.headers["location"] == "/?q=kinship+care&theme=fostering"
    everything = client.get("/?q=&sort=&published_from=&published_to=", follow_redirects=False)
    assert everything.headers["location"] == "/"
    assert client.get("/?q=%20%20", follow_redirects=False).headers["location"] == "/"
    assert client.get("/?q=kinship+care&sort=", follow_redirects=True).url.query == (
        b"q=kinship+care"
    )
    assert client.get("/?q=kinship+care", follow_redirects=False).status_code == 200
    # a year chosen by hand that is no year stays, to be shown as the mistake it is
    assert client.get("/?published_from=banana", follow_redirects=False).status_code == 200
