"""The case study page through HTTP: key facts before the story, dates in words, the way back
to the exact search (never off the site), the council's other case studies, a link to copy,
the evidence levels explained, and plain-words pages for what is not there."""

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from testkit.factories import make_case_study
from tests.app_fixtures import MakeClient

HTML = {"Accept": "text/html"}
LEVELS = ("Independently evaluated", "Outcomes measured", "Emerging practice")


@pytest.fixture(scope="module")
def client(reader: TestClient) -> TestClient:
    """Every test here only reads: one app per module and database."""
    return reader


def text_of(html: str) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_key_facts_come_first_then_the_story(client: TestClient) -> None:
    html = client.get("/case-studies/north-care-leavers").text
    words = text_of(html)
    assert (
        "North Tyneside Council Apprenticeships for care leavers "
        "North Tyneside offered apprenticeships to care leavers with a mentor each. "
        "Key facts Council North Tyneside Council Region North East When Published May 2019 "
        "Evidence Outcomes measured The council tracks outcomes with data. "
        "What the evidence levels mean "
        "Last checked May 2019 May be out of date "
        "Ages Transition to adulthood (16-25) "
        "Source The original account on example.org "
        "https://example.org/north-care-leavers "  # printed only
        "Measured outcomes Has measured outcomes Most apprentices stayed in work "
        "! Warning: May be out of date. Nobody has checked this case study since May 2019: the "
        "work may have changed. Ask North Tyneside Council how it runs now. "
    ) in words
    assert words.index("Key facts") < words.index("The challenge")
    assert '<a class="no-print" href="/evidence-levels">What the evidence levels mean</a>' in html
    assert (
        '<a class="source-link" href="https://example.org/north-care-leavers" '
        'rel="noopener noreferrer external">The original account on example.org</a>'
    ) in html
    assert "2019-05" not in words


@pytest.mark.parametrize(
    ("slug", "when"),
    [
        ("south-fostering", "When Published 2017 Evidence"),
        ("east-early-years", "When Published 4 March 2021 Evidence"),
        ("london-exploitation", "When No date given in the original account Evidence"),
    ],
)
def test_dates_are_shown_in_words(client: TestClient, slug: str, when: str) -> None:
    words = text_of(client.get(f"/case-studies/{slug}").text)
    assert when in words
    checked = when.removeprefix("When ").removeprefix("Published ").removesuffix(" Evidence")
    checked = "Not known" if checked.startswith("No date") else checked
    assert f"Last checked {checked} May be out of date Ages" in words


def test_a_case_study_without_outcomes_says_so(client: TestClient) -> None:
    words = text_of(client.get("/case-studies/east-early-years").text)
    assert "Measured outcomes None reported yet" in words
    assert "Has measured outcomes" not in words


def test_back_to_results_returns_to_the_exact_search(client: TestClient) -> None:
    search = "theme=care-leavers&theme=workforce&sort=title&per_page=1&page=2"
    results = client.get(f"/?{search}").text
    link = re.search(r'href="(/case-studies/north-care-leavers[^"]*)"', results)
    assert link is not None
    page = client.get(link.group(1).replace("&amp;", "&")).text
    back = re.search(r'<a class="back-link" href="([^"]+)">Back to results</a>', page)
    assert back is not None
    # ...to its place in the list, not the top of the page (some three screens above it on a
    # phone): the result carries the id the link names.
    assert back.group(1).replace("&amp;", "&") == f"/?{search}#result-north-care-leavers"
    assert '<article class="hit" id="result-north-care-leavers">' in results


def test_the_page_of_results_is_carried_too(client: TestClient) -> None:
    page = client.get("/case-studies/north-care-leavers", params={"from": "q=care&page=3"})
    back = '<a class="back-link" href="/?q=care&amp;page=3#result-north-care-leavers">'
    assert back + "Back to results</a>" in page.text


@pytest.mark.parametrize(
    "carried",
    [
        "https://evil.example/",
        "//evil.example/?q=care",
        "q=care&next=https://evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "page=-1&q=",
        "x" * 5000,
    ],
)
def test_back_to_results_never_leaves_the_site(client: TestClient, carried: str) -> None:
    page = client.get("/case-studies/north-care-leavers", params={"from": carried})
    assert page.status_code == 200
    back = re.search(r'class="back-link" href="([^"]+)"', page.text)
    if back is not None:
        assert back.group(1).startswith("/?") and "//" not in back.group(1)
        assert "evil" not in back.group(1)
    else:
        assert '<nav class="crumbs" aria-label="Breadcrumb"><a href="/">' in page.text


def test_without_a_search_the_page_offers_search(client: TestClient) -> None:
    html = client.get("/case-studies/north-care-leavers").text
    assert "Back to results" not in html
    assert '<a href="/">Search all case studies</a>' in html


def test_more_from_this_council_and_related_keep_the_way_back(client: TestClient) -> None:
    html = client.get("/case-studies/north-care-leavers", params={"from": "q=care"}).text
    council = html[html.index('id="council-heading"') : html.index('id="related-heading"')]
    assert "More from North Tyneside Council" in council
    assert (
        '<a href="/case-studies/north-family-support?from=q%3Dcare&amp;at=north-care-leavers">'
        "Family support at home</a>"
    ) in council
    assert '<span class="meta"><span>2020</span> <span><span class="visually-hidden">' in council
    assert (
        '<a href="/?council=North%20Tyneside%20Council">'
        "All case studies from North Tyneside Council</a>"
    ) in council
    related = html[html.index('id="related-heading"') :]
    assert re.search(
        r'href="/case-studies/[a-z-]+\?from=q%3Dcare&amp;at=north-care-leavers"', related
    )
    assert "north-family-support" not in related  # listed once, under its council
    assert 'href="/case-studies/north-care-leavers' not in html  # never itself


def test_back_from_a_related_case_study_returns_to_the_result_left(client: TestClient) -> None:
    """Results -> a case study -> one of its related (or same council's) -> "Back to results":
    to the result the person opened, not the related one's id (rarely in the list, so the top
    of the page), however many related links they follow."""
    search = "q=care&page=3"
    first = client.get("/case-studies/north-care-leavers", params={"from": search}).text
    hops = re.findall(r'href="(/case-studies/[a-z-]+\?from=[^"]+)"', first)
    assert hops
    for hop in hops:
        page = client.get(unescape(hop)).text
        back = re.search(r'<a class="back-link" href="([^"]+)">Back to results</a>', page)
        assert back is not None, hop
        assert unescape(back.group(1)) == f"/?{search}#result-north-care-leavers", hop
        # and on from there: still the first result's place
        onward = re.findall(r'href="(/case-studies/[a-z-]+\?from=[^"]+)"', page)
        assert all("at=north-care-leavers" in unescape(o) for o in onward), hop


@pytest.mark.parametrize("at", ["", "North Care", "x" * 200, '"><script>', "a--b", "-a"])
def test_a_result_to_return_to_that_is_no_slug_is_this_case_study(
    client: TestClient, at: str
) -> None:
    page = client.get("/case-studies/north-care-leavers", params={"from": "q=care", "at": at})
    assert page.status_code == 200
    assert '<a class="back-link" href="/?q=care#result-north-care-leavers">' in page.text
    assert '"><script>' not in page.text


def test_related_case_studies_show_when_and_how_strong(client: TestClient) -> None:
    """As each result in the list does: an early-help lead compares them without opening each."""
    html = client.get("/case-studies/north-care-leavers").text
    related = html[html.index('id="related-heading"') : html.index("</aside>")]
    items = re.findall(r'<li><a href="/case-studies/[a-z-]+">[^<]+</a> (.*?)</li>', related)
    assert items
    for meta in items:
        shown = re.findall(r"<span>([^<]*)", meta)
        assert shown[0], meta  # the council
        assert '<span class="visually-hidden">Evidence: </span>' in meta
        assert any(f"</span>{level}</span>" in meta for level in LEVELS), meta
    assert any(re.search(r"<span>(\w+ )?(19|20)\d\d</span>", meta) for meta in items)


def test_more_from_the_council_shows_when_and_how_strong_as_related_ones_do(
    client: TestClient,
) -> None:
    """The same line under each title as "Related case studies" has, but the council, which the
    heading names: it showed the date only."""
    html = client.get("/case-studies/north-care-leavers").text
    council = html[html.index('id="council-heading"') : html.index('id="related-heading"')]
    items = re.findall(r'<li><a href="/case-studies/[a-z-]+">[^<]+</a> (.*?)</li>', council)
    assert items
    for meta in items:
        assert meta.startswith('<span class="meta"><span>'), meta
        assert '<span class="visually-hidden">Evidence: </span>' in meta
        assert any(f"</span>{level}</span>" in meta for level in LEVELS), meta
        assert "North Tyneside" not in meta


def test_the_link_to_copy_is_shown_without_javascript(client: TestClient) -> None:
    html = client.get("/case-studies/north-care-leavers", params={"from": "q=care"}).text
    canonical = "http://testserver/case-studies/north-care-leavers"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<input id="page-link" class="page-link" type="text" readonly value="{canonical}">' in (
        html
    )
    assert '<button type="button" class="copy-link" hidden>Copy link</button>' in html
    assert '<script src="/static/case-study.js" defer></script>' in html


def test_a_search_engine_or_a_shared_link_shows_the_case_studys_own_summary(
    client: TestClient,
) -> None:
    """Someone finding a case study in a search engine, or in a link pasted into a chat, reads
    its summary under the title, not the words every page shares."""
    study = client.get("/api/v1/case-studies/north-care-leavers").json()
    html = client.get("/case-studies/north-care-leavers").text
    meta = {
        name: unescape(value)
        for name, value in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', html)
    }
    assert meta["description"].startswith(study["summary"][:60])
    assert len(re.findall(r'<meta name="description"', html)) == 1
    assert meta["og:description"] == meta["description"]
    assert meta["og:type"] == "article" and meta["og:title"] == study["title"]
    assert meta["og:url"] == "http://testserver/case-studies/north-care-leavers"
    assert meta["og:site_name"] == "Bright Futures case study search"
    home = client.get("/").text  # every other page keeps the site's own words
    assert '<meta name="description" content="Good practice in children' in home
    assert "og:description" not in home


def test_the_page_has_a_print_stylesheet(client: TestClient) -> None:
    html = client.get("/case-studies/north-care-leavers").text
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in html
    css = client.get("/static/print.css")
    assert css.status_code == 200 and "@page { size: A4" in css.text


def test_the_evidence_levels_are_explained(client: TestClient) -> None:
    page = client.get("/evidence-levels")
    assert page.status_code == 200
    words = text_of(page.text)
    order = [words.index(label) for label in ("Independently evaluated", "Outcomes measured")]
    assert order == sorted(order) and words.index("Emerging practice") > order[-1]
    assert "See the 1 case study at this level" in words  # evaluated
    assert "See the 3 case studies at this level" in words  # measured
    assert '<a href="/?evidence=emerging">See the 2 case studies' in page.text
    assert "Has measured outcomes" in words


def test_an_unknown_case_study_is_a_plain_words_page_with_a_search_box(
    client: TestClient,
) -> None:
    page = client.get("/case-studies/north-care-leaver", headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    words = text_of(page.text)
    assert "Case study not found" in words
    assert "may have been renamed or withdrawn" in words
    assert '<input id="q" name="q" type="search" value="north care leaver"' in page.text
    assert "slug" not in words.lower() and "/api/" not in page.text.split("<footer")[0]


def test_an_unknown_case_study_is_still_problem_json_for_programs(client: TestClient) -> None:
    page = client.get("/case-studies/nope")
    assert page.status_code == 404
    assert page.headers["content-type"] == "application/problem+json"


def test_an_over_long_address_is_not_found_rather_than_invalid(client: TestClient) -> None:
    page = client.get("/case-studies/" + "a" * 300, headers=HTML)
    assert page.status_code == 404 and "Case study not found" in page.text


def test_any_missing_page_speaks_of_case_studies(client: TestClient) -> None:
    page = client.get("/no/such/page", headers=HTML)
    assert page.status_code == 404
    main = page.text.split("<footer")[0]
    assert "Page not found" in main and "Search the case studies instead" in main
    assert "<title>Page not found – Bright Futures case study search</title>" in page.text
    assert "/api/v1" not in main and "slug" not in main


@pytest.mark.parametrize("path", ["/alerts", "/sign-out"])
def test_a_form_only_address_opened_in_a_browser_says_what_to_do(
    client: TestClient, path: str
) -> None:
    """A person who reloads after sending the alert form, or follows a copied link, reaches
    an address that only takes a form: a page that says so in plain words, not the verb."""
    page = client.get(path, headers=HTML)
    assert page.status_code == 405 and "POST" in page.headers["allow"]
    main = page.text.split("<footer")[0]
    assert "This page cannot be opened on its own" in main
    assert "Go back to the page with the form" in main and "Search the case studies" in main
    assert "POST" not in main and "GET" not in main and "Method not allowed" not in main


def test_a_table_in_the_story_scrolls_in_its_own_region(make_client: MakeClient) -> None:
    """GOV.UK's pattern for a wide table: at 320 px the cells broke words in the middle. The
    API's body_html stays as it was."""
    table = "| Measure | Before | After |\n|---|---|---|\n| Children in care | 74 | 61 |\n"
    study = make_case_study(body=f"## The impact\n\n{table}")
    with make_client([study]) as client:
        html = client.get(f"/case-studies/{study.slug}").text
        api = client.get(f"/api/v1/case-studies/{study.slug}").json()
    assert (
        '<div class="table-scroll" role="region" tabindex="0"'
        ' aria-label="Table: Measure, Before, After"><table>'
    ) in html
    assert "</table></div>" in html
    assert "table-scroll" not in api["body_html"] and "<table>" in api["body_html"]
