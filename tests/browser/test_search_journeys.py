"""The search page as the people it is for meet it, in a real headless Chromium against a real
uvicorn serving the bundled collection: a social worker on a phone, a councillor at a desk, a
keyboard-only visitor, and a visitor without JavaScript. axe-core finds no violation of any
impact in any state they reach."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from testkit.servers import service
from tests.browser.checks import accessible, back_at, script_errors
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
COUNT_FETCHES = """
window.fetches = 0;
const fetchOnce = window.fetch.bind(window);
window.fetch = (...args) => { window.fetches += 1; return fetchOnce(...args); };
"""


# Marks inside a result's summary or snippet that its clamp to a few lines leaves out of view.
HIDDEN_MARKS = """
[...document.querySelectorAll('.hit .summary mark, .hit .snippet mark')].filter(mark => {
  const box = mark.parentElement.getBoundingClientRect();
  return mark.getBoundingClientRect().bottom > box.bottom + 1;
}).map(mark => mark.textContent)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[str]:
    with service(
        tmp_path_factory.mktemp("journeys"), {"RATE_LIMIT": "off"}, prepare=seeded_server
    ) as base:
        yield base


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def open_page(
    browser: Browser, contexts: list[BrowserContext], **options: Any
) -> tuple[Page, list[str]]:
    """A page and the console errors it logs; axe is injected, so the CSP is bypassed."""
    context = browser.new_context(bypass_csp=True, **options)
    contexts.append(context)
    page = context.new_page()
    return page, script_errors(page)


def count(page: Page) -> int:
    heading = page.locator("#results-heading").inner_text()
    return int(re.sub(r"[^\d]", "", heading.split("case stud")[0]))


def announced(page: Page) -> str:
    status = page.locator("#results-status")
    expect(status).to_have_text(re.compile(r"\d case stud(y|ies) found$"))
    return status.inner_text()


def test_a_social_worker_on_a_phone_filters_by_age(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, errors = open_page(browser, contexts, **PHONE)
    page.goto(f"{site}/")
    page.fill("#q", "edge of care")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=edge\+of\+care"))
    everything = count(page)
    # The filters wait behind a Filter button beside the count, not nine screens down.
    expect(page.locator("#filters")).to_be_hidden()
    toggle = page.get_by_role("button", name="Filter")
    assert toggle.bounding_box()["y"] < 400  # type: ignore[index]
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.locator("#group-age_band summary").click()
    # The checkbox by role: once the page reloads with the filter, the "Remove filter Age
    # group: Secondary (11-16)" link's label holds the same words.
    page.get_by_role("checkbox", name=re.compile(r"^Secondary \(11-16\)")).check()
    page.wait_for_url(re.compile(r"age_band=11-16"))
    assert announced(page) == f"{count(page)} case studies found"
    assert 0 < count(page) < everything
    accessible(page)
    page.get_by_role("button", name=re.compile(r"^Show \d+ case studies$")).click()
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator("#results-heading")).to_be_focused()
    expect(page.locator("ul.chosen")).to_have_text(re.compile("Age group: Secondary"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    search = page.url
    first = page.locator("ol.hits h3 a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title.replace("\n", " "))
    # The key facts are on the first screen, and the way back is the exact search.
    assert page.locator(".facts").bounding_box()["y"] < 844 * 1.5  # type: ignore[index]
    page.get_by_role("link", name="Back to results").click()
    back_at(page, search)
    expect(page.locator("#f-age-band-11-16")).to_be_checked()
    expect(page.locator("ol.hits h3 a").first).to_have_text(title)
    assert errors == []


def test_a_councillor_at_a_desk_narrows_to_their_region(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, errors = open_page(browser, contexts, **DESKTOP)
    # A question in their own words: more than two results fit on a 1280 × 800 screen (the
    # third's title shows; how much of its summary does depends on how long the first two
    # case studies' summaries are, which ranking decides), no match is cut from view, and
    # only what the question asks about is marked: "care leavers" as one phrase, never a
    # question or filler word, nor a phrase's word on its own ("care", "puts").
    page.goto(f"{site}/?q=how+other+councils+keep+care+leavers+in+touch+after+18")
    # The line above the results naming the sector's words searched for in place of "after
    # 18" (not "care leavers": it was typed) is one line, and counted apart.
    also = page.locator("p.also-searched")
    expect(also).to_have_text(
        "We also searched for staying put and staying close: the words case studies use."
    )
    third = page.locator("ol.hits > li").nth(2)
    line = also.bounding_box()["height"]  # type: ignore[index]
    assert line <= 30
    assert third.locator("h3").bounding_box()["y"] + 20 <= 800 + line  # type: ignore[index]
    assert page.evaluate(HIDDEN_MARKS) == []
    marked = {text.lower() for text in page.locator("ol.hits mark").all_inner_texts()}
    assert "care leavers" in marked
    loose = {"how", "other", "councils", "in", "after", "18", "care", "leavers", "put", "puts"}
    assert marked & loose == set()
    page.goto(f"{site}/?q=care+leavers")
    accessible(page)
    # Priority areas carry the name a councillor looks for, and the vocabulary's hint.
    page.locator("#group-priority_area summary").click()
    early_help = page.get_by_label(re.compile(r"^Early help \(\d+\)$"))
    expect(early_help).to_have_accessible_description(re.compile("^Help that reaches children"))
    page.locator("#group-region summary").click()
    page.get_by_label(re.compile(r"^North West")).check()
    page.wait_for_url(re.compile(r"region=north-west"))
    assert announced(page) == f"{count(page)} case studies found"
    expect(page.locator("#f-region-north-west")).to_be_focused()  # focus stays where it was
    expect(page.locator("ul.chosen a")).to_have_text(["Region: North West ×"])
    # The feed's address to copy into a feed reader, not a link to a screen of XML.
    page.get_by_text("Follow new case studies for this search in a feed reader").click()
    expect(page.get_by_label("Copy this address into your feed reader")).to_have_value(
        f"{site}/feeds/case-studies.atom?q=care+leavers&region=north-west"
    )
    spreadsheet = page.get_by_role("link", name=re.compile(r"as a spreadsheet"))
    assert spreadsheet.get_attribute("href") == (
        "/api/v1/search.csv?q=care+leavers&region=north-west"
    )
    # The long theme list narrows as they type.
    page.locator("#group-theme summary").click()
    page.get_by_label("Search theme names").fill("care")
    visible = page.locator("#list-theme .choice:visible label").all_inner_texts()
    assert visible and all("care" in label.lower() for label in visible)
    page.get_by_role("link", name="Remove filter Region: North West").click()
    page.wait_for_url(re.compile(r"/\?q=care\+leavers$"))
    expect(page.locator("#results-heading")).to_be_focused()
    assert announced(page)
    assert errors == []


def test_paging_with_javascript_moves_focus_to_the_results_heading(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.goto(f"{site}/?q=family")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    heading = page.locator("#results-heading")
    expect(heading).to_be_focused()
    expect(heading).to_have_accessible_name(re.compile(r"^\d+ case studies, page 2 of \d+$"))
    page.go_back()
    page.wait_for_url(re.compile(r"q=family$"))
    expect(heading).to_have_accessible_name(re.compile(r"page 1 of"))
    assert errors == []


def tab_to(page: Page, selector: str, limit: int = 80) -> int:
    """Press Tab until focus is on `selector`; how many presses that took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def test_keyboard_only_search_filter_result_and_back(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.goto(f"{site}/")
    tab_to(page, "#q")
    page.keyboard.type("fostering")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=fostering"))
    tab_to(page, ".skip-results")  # the panel's first stop lets the filters be passed by
    tab_to(page, "#group-evidence summary")
    page.keyboard.press("Enter")
    tab_to(page, "#f-evidence-evaluated")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"evidence=evaluated"))
    announced(page)
    expect(page.locator("#f-evidence-evaluated")).to_be_focused()
    search = page.url
    tab_to(page, "ol.hits h3 a")
    title = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(title)
    tab_to(page, ".back-link", limit=5)
    page.keyboard.press("Enter")
    back_at(page, search)
    expect(page.locator("#f-evidence-evaluated")).to_be_checked()
    assert errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_back_to_results_returns_a_phone_to_the_result_it_left(
    site: str, browser: Browser, contexts: list[BrowserContext], javascript: bool
) -> None:
    # The seventh result is some three screens down a phone. "Back to results" went to the
    # top of the page: the place in the list lost, and the keyboard back at "Skip to content".
    page, errors = open_page(browser, contexts, java_script_enabled=javascript, **PHONE)
    page.goto(f"{site}/?q=care+leavers")
    seventh = page.locator("ol.hits > li").nth(6)
    link = seventh.locator("h3 a")
    title = link.inner_text()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/case-studies/"))
    tab_to(page, ".back-link", limit=5)
    page.keyboard.press("Enter")
    back_at(page, f"{site}/?q=care+leavers")
    expect(seventh.locator("h3")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 844  # not the top of the page
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text(title)  # the next Tab: the title left
    if javascript:
        accessible(page)
    assert errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_back_to_results_after_a_related_case_study_returns_to_the_result_it_left(
    site: str, browser: Browser, contexts: list[BrowserContext], javascript: bool
) -> None:
    # Results -> the seventh -> a related case study -> "Back to results" went to the related
    # one's #result-… (rarely in the list): the top of the page, the place lost.
    page, errors = open_page(browser, contexts, java_script_enabled=javascript, **PHONE)
    search = f"{site}/?q=care+leavers"
    page.goto(search)
    seventh = page.locator("ol.hits > li").nth(6)
    slug = (seventh.locator("article").get_attribute("id") or "").removeprefix("result-")

    def to_a_related_one() -> None:
        seventh.locator("h3 a").click()
        page.wait_for_url(re.compile(rf"/case-studies/{slug}\?"))
        page.locator(".next-reads a[href^='/case-studies/']").last.click()
        page.wait_for_url(lambda url: "/case-studies/" in url and f"/{slug}?" not in url)

    # The browser's own Back, twice, returns to the same place ...
    to_a_related_one()
    page.go_back()
    page.wait_for_url(re.compile(rf"/case-studies/{slug}\?"))
    page.go_back()
    page.wait_for_url(search)
    expect(seventh.locator("h3")).to_be_in_viewport()
    # ... and so does "Back to results", by the keyboard.
    to_a_related_one()
    tab_to(page, ".back-link", limit=5)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?q=care\+leavers#result-"))
    assert page.url == f"{search}#result-{slug}"
    expect(seventh.locator("h3")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 844  # not the top of the page
    if javascript:
        accessible(page)
    assert errors == []


def test_a_question_pasted_on_a_phone_searches_in_place_as_the_server_would_show_it(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # A question pasted whole asked the type-ahead for completions of all of it: the API takes
    # 100 characters, so each pause logged a 422. After the search the first search's hint
    # stayed under the box (the server leaves it out once there are words), pushing the
    # results down a phone.
    page, errors = open_page(browser, contexts, **PHONE)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/suggest" in r.url else None)
    page.goto(f"{site}/")
    hint = page.locator("#q-hint")
    expect(hint).to_be_visible()
    question = (
        "We have seen a rise in teenagers going missing from care and from home; what have "
        "other councils done about return home interviews and repeat missing episodes?"
    )
    page.locator("#q").focus()
    page.keyboard.insert_text(question)  # pasted: one input event
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=We\+have\+seen"))
    announced(page)
    expect(hint).to_have_count(0)
    expect(page.locator("#q")).not_to_have_attribute("aria-describedby", "q-hint")
    page.go_back()  # the first page again, hint and all
    page.wait_for_url(f"{site}/")
    expect(hint).to_be_visible()
    expect(page.locator("#q")).to_have_accessible_description(re.compile("^Words, phrases"))
    accessible(page)
    with page.expect_request(re.compile(r"/api/v1/suggest\?q=kinship")):
        page.locator("#q").fill("kinship")  # a word being typed still gets completions
    assert all("kinship" in url for url in asked)
    assert errors == []


def test_while_a_slow_search_in_place_loads_the_last_results_are_dimmed(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # On a slow connection the box said "kinship care" for seconds while the page still showed
    # the results for "fostering", undimmed, their words marked, as if they were the answer.
    page, errors = open_page(browser, contexts, **PHONE)
    page.goto(f"{site}/?q=fostering")
    held: list[Route] = []
    page.route(re.compile(r"/\?q=kinship"), lambda route: held.append(route))
    page.locator("#q").fill("kinship care")
    page.locator("#q").press("Enter")
    expect(page.locator("#search")).to_have_attribute("aria-busy", "true")
    for part in ("#results-summary", "#results"):
        expect(page.locator(part)).to_have_css("opacity", "0.4")
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#search")).not_to_have_attribute("aria-busy", "true")
    kinship = re.compile("kinship", re.IGNORECASE)
    expect(page.locator("#results mark").first).to_contain_text(kinship)
    for part in ("#results-summary", "#results"):
        expect(page.locator(part)).to_have_css("opacity", "1")
    assert errors == []


def test_a_page_of_results_prints_as_the_list_without_the_controls(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # A councillor printing ten results for a meeting got five A4 pages: the filter panel, the
    # sort, the page numbers, the feed, the email sign-up and the embed panel came too.
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.goto(f"{site}/?q=family+hubs&region=North+West")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    page.emulate_media(media="print")
    expect(page.locator("#results-heading")).to_be_visible()
    expect(page.locator(".chosen")).to_contain_text("North West")  # the filters in use
    expect(page.locator(".hit")).to_have_count(2)
    for control in ("#filters", ".sort", ".subscribe", ".take", "#alerts", "#embed"):
        expect(page.locator(control)).to_be_hidden()
    assert errors == []


def test_a_question_past_the_limit_shows_in_the_box_as_it_was_searched(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # The server shortens a question past 1,000 characters (and says so); the box kept all
    # 1,800 pasted, while a reload without JavaScript showed the shortened one.
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.goto(f"{site}/")
    question = ("how do other councils support care leavers into work and housing " * 30)[:1800]
    page.locator("#q").focus()
    page.keyboard.insert_text(question)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=how\+do\+other"))
    announced(page)
    expect(page.locator(".notice").first).to_contain_text("so it was shortened")
    served = page.request.get(page.url, headers={"Accept": "text/html"}).text()
    searched = re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', served)
    assert searched is not None and len(searched.group(1)) < 1000
    expect(page.locator("#q")).to_have_value(searched.group(1))
    assert errors == []


def test_skip_to_results_passes_the_filters_without_reloading_them(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.add_init_script(COUNT_FETCHES)
    page.goto(f"{site}/?q=fostering&region=south-west")
    tab_to(page, ".skip-results")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#results') !== null")
    # Only the fragment changed: that is no new search, so nothing is fetched or redrawn.
    assert page.evaluate("window.fetches") == 0
    assert errors == []


def test_the_keyboard_passes_the_results_tags_to_the_page_numbers(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.goto(f"{site}/?q=family")
    page.locator("#results").focus()  # where "Skip to results" puts a keyboard
    # Through the results, tag by tag, the page numbers are dozens of presses away...
    through = tab_to(page, ".pages a", limit=120)
    assert through > 20
    # ...and the results' first stop passes them all.
    page.locator("#results").focus()
    assert tab_to(page, ".skip-pages", limit=3) <= 2  # after a filter chip or two
    expect(page.locator(".skip-pages")).to_be_visible()
    expect(page.locator(".skip-pages")).to_have_text("Skip to page numbers")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    next_page = page.get_by_role("link", name="Next page")
    focused = page.evaluate("document.activeElement.closest('.pages') !== null")
    assert focused, "Tab after the skip link is not in the page numbers"
    tab_to(page, ".pages a[rel=next]", limit=6)
    expect(next_page).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("#results-heading")).to_be_focused()
    # A tag still searches for its theme.
    tag = page.locator("ol.hits .tags a").first
    theme = tag.inner_text()
    tag.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?theme="))
    expect(page.locator("ul.chosen")).to_contain_text(f"Theme: {theme}")
    assert errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_keyboard_on_a_phone_reaches_get_emails_without_passing_every_result(
    site: str, browser: Browser, contexts: list[BrowserContext], javascript: bool
) -> None:
    # The sign-up is below ten results and their tags: some sixty Tab presses from the search
    # box. "Get emails" above the results (as on GOV.UK's finders) takes a keyboard to it.
    page, errors = open_page(browser, contexts, java_script_enabled=javascript, **PHONE)
    page.add_init_script(COUNT_FETCHES)
    page.goto(f"{site}/?q=children")
    page.locator("#q").focus()
    tab_to(page, ".subscribe a", limit=14)  # past the closed filter groups without a script
    link = page.locator(".subscribe a")
    expect(link).to_have_accessible_name("Get emails about this search")
    assert link.bounding_box()["height"] >= 24  # type: ignore[index]
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#alert-email")).to_be_focused()
    expect(page.locator("#alert-heading")).to_be_in_viewport()
    if javascript:
        assert page.evaluate("window.fetches") == 0  # a fragment, not a new search
        accessible(page)
    assert errors == []


@pytest.mark.parametrize("width", [320, 390])
def test_without_javascript_the_sort_fits_a_phone_on_one_line(
    site: str, browser: Browser, contexts: list[BrowserContext], width: int
) -> None:
    # Its Sort button beside the list broke "Sort by" in two at 390 and pushed the page
    # sideways at 320: the list narrows instead.
    page, _ = open_page(
        browser, contexts, java_script_enabled=False, viewport={"width": width, "height": 800}
    )
    page.goto(f"{site}/?q=children")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    label, sort = (page.locator(s).bounding_box() for s in (".sort label", ".apply-sort"))
    assert label is not None and sort is not None
    assert label["height"] < 1.5 * 17 * 1.55  # one line of the body's text
    assert sort["x"] + sort["width"] <= width
    expect(page.locator("#sort")).to_be_visible()


def test_without_javascript_every_control_still_works(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page, _ = open_page(browser, contexts, java_script_enabled=False, **PHONE)
    page.goto(f"{site}/")
    # No Filter button without a script to work it: the panel is in the page, groups closed.
    expect(page.locator("#filter-toggle")).to_be_hidden()
    expect(page.locator("#filters")).to_be_visible()
    page.fill("#q", "care leavers")
    page.locator("#group-region summary").click()
    page.get_by_label(re.compile(r"^North West")).check()
    page.locator("#group-published summary").click()
    page.select_option("#published_from", "2019")
    page.select_option("#published_to", "2016")
    page.get_by_role("button", name="Apply filters").click()
    # A year range the wrong way round: the GOV.UK error summary, linked to the field (axe
    # needs a script, so this state is checked with JavaScript below).
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # as GOV.UK's: a keyboard starts at the problem
    summary.get_by_role("link").click()
    page.select_option("#published_to", "")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"published_from=2019"))
    assert "q=care+leavers" in page.url and "region=north-west" in page.url
    expect(page.locator("ul.chosen")).to_contain_text("Published from: 2019")
    page.select_option("#sort", "newest")
    page.get_by_role("button", name="Sort").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    expect(page.locator("#sort")).to_have_value("newest")
    page.get_by_role("link", name="Remove filter Region: North West").click()
    page.wait_for_url(re.compile(r"^((?!region).)*$"))
    assert count(page) > 0
    search = page.url
    page.locator("ol.hits h3 a").first.click()
    page.wait_for_url(re.compile(r"/case-studies/"))
    page.get_by_role("link", name="Back to results").click()
    back_at(page, search)
    expect(page.locator("#sort")).to_have_value("newest")


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390", "1280"])
def test_a_filter_box_is_24_px_and_its_whole_row_ticks_it(
    site: str, browser: Browser, contexts: list[BrowserContext], device: Any
) -> None:
    """GOV.UK's small checkboxes: a 24 px box (it was 18), and a tap anywhere on its row (the
    gap beside the box, the row's edge, its hint) ticks it; the rows stay about as tall, so the
    panel is hardly longer on a phone. Without JavaScript, so a tick does not reload the page."""
    page, _ = open_page(browser, contexts, java_script_enabled=False, **device)
    page.goto(f"{site}/")
    page.locator("#group-region summary").click()
    page.locator("#group-evidence summary").click()
    rows = page.locator("#group-region .choice")
    heights = [rows.nth(n).evaluate("e => e.getBoundingClientRect().height") for n in range(2)]
    assert all(32 <= height <= 34 for height in heights), heights  # one line: it was 31 px
    size = rows.first.locator("input").evaluate("e => [e.offsetWidth, e.offsetHeight]")
    assert size == [24, 24]

    def tap(row: Any, where: str, right: float, down: float) -> None:
        """Tap `right` and `down` px into a part of the row (from its right edge if < 0)."""
        part = row.locator(where) if where else row
        part.scroll_into_view_if_needed()
        box = part.bounding_box()
        assert box
        x = box["x"] + (right if right >= 0 else box["width"] + right)
        if device is PHONE:
            page.touchscreen.tap(x, box["y"] + down)
        else:
            page.mouse.click(x, box["y"] + down)
        expect(row.locator("input")).to_be_checked()

    tap(rows.nth(0), "input", 24 + 3, 12)  # the gap between the box and its label
    tap(rows.nth(1), "", -2, 1)  # the row's top right corner, past the label's words
    hinted = page.locator("#group-evidence .choice").filter(has=page.locator(".choice-hint"))
    tap(hinted.first, ".choice-hint", 5, 8)  # its hint
    expect(page.locator("#group-region .choice input:checked")).to_have_count(2)  # no others


def test_a_year_edited_into_the_address_is_put_right_from_the_error_summary(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # On a phone the filters wait behind their button: the summary's link opens them and
    # puts focus in the field, and choosing a year there searches with it.
    page, errors = open_page(browser, contexts, **PHONE)
    page.goto(f"{site}/?q=fostering&published_from=2024-13")
    expect(page).to_have_title(re.compile(r"^Error: fostering"))
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#filters")).to_be_hidden()
    page.locator(".error-summary").get_by_role("link").click()
    field = page.locator("#published_from")
    expect(field).to_be_focused()
    expect(field).to_be_visible()
    expect(field).to_have_accessible_description(re.compile("“2024-13” is not a year$"))
    field.select_option("2016")
    page.wait_for_url(re.compile(r"published_from=2016"))
    assert "2024-13" not in page.url
    assert errors == []


def test_a_year_range_turned_round_in_place_is_read_out_and_focus_stays_on_the_year(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # With JavaScript the results change in place: the summary is read out (an alert, and no
    # count is announced over it) and focus stays in the control the person is using; the
    # summary is focused only when a page loads with it. Its link still goes to the field.
    page, errors = open_page(browser, contexts, **DESKTOP)
    page.goto(f"{site}/?q=fostering&published_from=2022")  # its group open: a year chosen
    page.locator("#published_to").focus()
    page.select_option("#published_to", "2016")
    page.wait_for_url(re.compile(r"published_to=2016"))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_have_attribute("role", "alert")
    expect(page.locator("#published_to")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: fostering"))
    accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#published_from")).to_be_focused()
    assert errors == []


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=care+leavers&theme=care-leavers&region=north-west",
        "/?q=how+other+councils+keep+care+leavers+in+touch+after+18",
        "/?q=zzzqqq",
        "/?q=zzzqqq&region=london",
        "/?q=fosterring&age_band=11-16",
        "/?theme=renamed-theme&page=99",
        "/?q=" + "fostering+" * 150,
        "/?published_from=2021&published_to=2015",
        "/?q=fostering&published_from=2024-13&published_to=banana",
        "/?q=family&page=2&sort=title",
        "/?q=family#pages",
        "/no-such-page",
    ],
)
def test_no_accessibility_violations_in_any_state(
    site: str, browser: Browser, contexts: list[BrowserContext], path: str, device: Any
) -> None:
    page, _ = open_page(browser, contexts, **device)
    page.goto(site + path)
    if page.locator("#filter-toggle").is_visible():  # a phone: the filters opened
        page.locator("#filter-toggle").click()
        expect(page.locator("#filters")).to_be_visible()
    for group in page.locator("details.group").all():  # open every group, so all is checked
        group.evaluate("d => { d.open = true; }")
    accessible(page)


def test_without_javascript_the_address_to_share_carries_only_what_was_chosen(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    """The form sends every field: the address a person then copied read
    `?q=…&sort=&published_from=&published_to=`. The server sends it on without the blanks."""
    page, _ = open_page(browser, contexts, java_script_enabled=False, **PHONE)
    page.goto(f"{site}/?q=children")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("kinship care")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/?q=kinship+care")
    page.locator("#group-published summary").focus()
    page.keyboard.press("Enter")  # opens the group
    page.locator("#published_from").focus()
    page.locator("#published_from").select_option("2019")
    page.keyboard.press("Tab")  # to the year to end at, left as "Any year"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Apply filters")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/?q=kinship+care&published_from=2019")
    expect(page.locator("ul.chosen")).to_contain_text("Published from: 2019")
