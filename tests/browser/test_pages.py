"""The pages in a real headless Chromium (Debian's package), against a real uvicorn: the search
page filters and paginates with and without JavaScript, no console errors, and axe finds no
serious or critical accessibility violations. The widget and the frame on other origins' pages
are in test_embedding.py."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from app.core.markdown import markdown_to_html, scrolling_tables
from testkit.servers import free_port, service, static_site
from tests.browser.checks import accessible, fits
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Sites:
    service: str
    host: str  # a campaign site on the allow-lists
    stranger: str  # a site that is not


def host_pages(folder: Path, service_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # The host's own styles must not reach inside the widget.
    (folder / "widget.html").write_text(
        "<!doctype html><html lang='en'><head><title>Campaign</title>"
        "<link rel='icon' href='data:,'>"
        "<style>a { font-size: 40px; color: rgb(255, 0, 0); } ol { display: none; }</style>"
        f"<script src='{service_url}/widget.js' defer></script></head><body>"
        "<h1>Our campaign</h1><a id='own' href='#'>own link</a>"
        "<case-study-search theme='care-leavers' limit='3'></case-study-search>"
        "</body></html>"
    )
    (folder / "frame.html").write_text(
        "<!doctype html><html lang='en'><head><title>Frame</title>"
        "<link rel='icon' href='data:,'></head><body>"
        f"<iframe id='embed' title='Case studies' src='{service_url}/embed?theme=fostering&limit=3'"
        " width='600' height='500'></iframe></body></html>"
    )


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare
) -> Iterator[Sites]:
    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    host_pages(tmp / "host", url)
    host_pages(tmp / "stranger", url)
    with static_site(tmp / "host") as host, static_site(tmp / "stranger") as stranger:
        env = {"CORS_ORIGINS": host, "EMBED_ORIGINS": host, "RATE_LIMIT": "off"}
        with service(tmp, env, port=port, prepare=seeded_server) as base:
            yield Sites(base, host, stranger)


@dataclass
class Watched:
    page: Page
    errors: list[str]


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A page whose console errors and uncaught exceptions are collected."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Watched(page, errors)
    context.close()


def results_count(page: Page) -> int:
    heading = page.locator("#results-heading").inner_text()
    return int(re.sub(r"[^\d]", "", heading.split("case stud")[0]))


def test_search_page_filters_and_paginates_with_javascript(sites: Sites, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{sites.service}/")
    everything = results_count(page)
    assert everything >= 90
    assert page.locator("ol.hits > li").count() == 10

    page.locator("#group-theme summary").click()  # filter groups open and close
    page.locator("input[name=theme][value=fostering]").check()
    page.wait_for_url(re.compile(r"theme=fostering"))
    expect(page.locator("ul.chosen")).to_contain_text("Fostering")
    fostering = results_count(page)
    assert 0 < fostering < everything
    assert page.locator("input[name=theme][value=fostering]").is_checked()

    page.goto(f"{sites.service}/?q=care")
    first_page = page.locator("ol.hits h3").all_inner_texts()
    page.locator("nav.pages a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("nav.pages a[aria-current=page]")).to_have_accessible_name("Page 2")
    expect(page).to_have_title(re.compile(r"^care \(page 2 of \d+\) – "))  # GOV.UK's pagination
    assert page.locator("ol.hits h3").all_inner_texts() != first_page
    page.go_back()
    page.wait_for_url(re.compile(r"q=care$"))
    expect(page.locator("ol.hits h3").first).to_have_text(first_page[0])
    assert watched.errors == []


def test_search_page_works_without_javascript(sites: Sites, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{sites.service}/")
    page.fill("#q", "care leavers")
    page.locator("#group-age_band summary").click()  # <details>: no script needed
    page.locator("input[name=age_band][value='16-25']").check()
    page.click("button.apply")
    page.wait_for_url(re.compile(r"age_band=16-25"))
    assert "q=care+leavers" in page.url
    expect(page.locator("ol.hits > li").first).to_be_visible()
    assert page.locator("input[name=age_band][value='16-25']").is_checked()
    page.locator("nav.pages a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    context.close()


def test_no_results_page_helps(sites: Sites, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{sites.service}/?q=zzzqqq+xxyyzz&theme=fostering")
    expect(page.locator(".empty")).to_contain_text("No case studies match")
    page.get_by_role("link", name="Remove the filter “Theme: Fostering”").click()
    page.wait_for_url(re.compile(r"^[^?]*\?q=zzzqqq\+xxyyzz$"))
    assert watched.errors == []


def test_case_study_page_shows_the_whole_case_study(sites: Sites, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{sites.service}/case-studies/suffolk-staying-close")
    expect(page.locator("h1")).to_contain_text("Staying Close")
    assert page.locator(".related li").count() >= 3
    page.locator(".tags a").first.click()
    page.wait_for_url(re.compile(r"/\?(priority_area|age_band|theme)="))
    assert watched.errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=care+leavers&theme=care-leavers",
        "/?q=zzzqqq",
        "/case-studies/suffolk-staying-close",
        "/embed?theme=fostering",
    ],
)
def test_no_serious_accessibility_violations(sites: Sites, browser: Browser, path: str) -> None:
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    page.goto(sites.service + path)
    results: Any = Axe().run(page)
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []


def test_pages_read_well_on_a_phone(sites: Sites, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{sites.service}/?q=fostering")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # no sideways scrolling
    context.close()


def test_keyboard_reaches_search_filters_and_results(sites: Sites, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{sites.service}/?q=fostering")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the brand link is before main; skip lands in main
    focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
    assert focused in ("q", "INPUT", "BUTTON")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    colour = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert colour == "rgb(255, 221, 0)"  # GOV.UK's focus yellow, #ffdd00


# WCAG 1.4.10, reflow: 1280 px at 400% zoom is 320 CSS px wide (and 256 high).
ZOOMED = {"width": 320, "height": 256}
ADDRESS = "https://www.leicestershire.gov.uk/children-and-families/care-leavers-apprenticeships"


@pytest.mark.parametrize(
    "path",
    [
        "/?q=" + "z" * 90,  # "No case studies match “zzz…”": 955 px wide
        "/alerts/new?q=" + quote(ADDRESS, safe=""),  # the search in words: 466 px
    ],
)
def test_a_long_unbroken_search_wraps_at_400_percent_zoom(
    sites: Sites, browser: Browser, path: str
) -> None:
    context = browser.new_context(viewport=ZOOMED)
    page = context.new_page()
    page.goto(sites.service + path)
    fits(page)
    context.close()


def test_a_case_study_s_long_words_and_tables_wrap_at_400_percent_zoom(
    sites: Sites, browser: Browser
) -> None:
    """What a council's Markdown may hold (markdown.py keeps tables and code) in the story: a
    web address, a table, a long line of code. The page was 804 px wide."""
    story = scrolling_tables(  # as the case study page serves it
        markdown_to_html(
            f"See {ADDRESS}/and-more-without-a-space.\n\n"
            "| Measure | Before the programme | After two years | Change |\n|---|---|---|---|\n"
            "| Children in care per 10,000 | Seventy-four | Sixty-one | Down by thirteen |\n\n"
            "    a line of code that goes on well past the edge of a phone's screen\n"
        )
    )
    context = browser.new_context(viewport=ZOOMED)
    page = context.new_page()
    page.goto(f"{sites.service}/case-studies/suffolk-staying-close")
    page.locator(".body").evaluate("(b, html) => b.insertAdjacentHTML('beforeend', html)", story)
    expect(page.locator(".body table")).to_have_count(1)
    fits(page)
    context.close()


# The words of a story's table cells drawn over more than one line: a word broken in the middle.
BROKEN_WORDS = """
[...document.querySelectorAll('.body :is(th, td)')].flatMap(cell => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (range.getClientRects().length > 1) broken.push(word[0]);
    }
  }
  return broken;
})
"""


def test_a_table_in_a_story_scrolls_sideways_at_320_px_with_its_words_whole(
    sites: Sites, browser: Browser
) -> None:
    """At 320 px a table's cells broke words in the middle ("Multidiscipl-inary") to fit. Now
    it scrolls in a region a keyboard reaches and scrolls (GOV.UK's table wrapper)."""
    story = scrolling_tables(
        markdown_to_html(
            "| Measure | Before the programme | After two years |\n|---|---|---|\n"
            "| Multidisciplinary safeguarding consultations | Seventy-four | Sixty-one |\n"
            "| Unaccompanied children accommodated | Twenty | Thirty-two |\n"
        )
    )
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{sites.service}/case-studies/suffolk-staying-close")
    page.locator(".body").evaluate("(b, html) => b.insertAdjacentHTML('beforeend', html)", story)
    region = page.get_by_role("region", name="Table: Measure, Before the programme, After")
    expect(region).to_have_count(1)
    assert page.evaluate(BROKEN_WORDS) == []
    fits(page)  # the table scrolls, not the page
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    for _ in range(80):  # the keyboard reaches it, shows focus on it and scrolls it
        page.keyboard.press("Tab")
        if region.evaluate("r => r === document.activeElement"):
            break
    expect(region).to_be_focused()
    assert region.evaluate("r => getComputedStyle(r).outlineStyle") != "none"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    accessible(page)
    context.close()


def test_forced_colours_keep_what_colour_alone_showed(sites: Sites, browser: Browser) -> None:
    """Windows high contrast (Chromium's forced-colors emulation) replaces every colour, and
    drops backgrounds and shadows: focus, the filter groups' arrows, the page shown, tags and
    the warning's circle must still show."""
    context = browser.new_context(forced_colors="active", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{sites.service}/?q=fostering")
    style = "(e, [pseudo, name]) => getComputedStyle(e, pseudo)[name]"
    # A shut group's arrow points right: its top edge stays transparent (forced, all four
    # edges were drawn, and open and shut were the same square).
    arrow = page.locator("#group-region summary")
    assert arrow.evaluate(style, ["::before", "borderTopColor"]) == "rgba(0, 0, 0, 0)"
    assert arrow.evaluate(style, ["::before", "borderLeftColor"]) != "rgba(0, 0, 0, 0)"
    current = page.locator("nav.pages a[aria-current=page]")  # told apart by its fill alone
    assert current.evaluate(style, [None, "borderTopWidth"]) == "3px"
    tag = page.locator(".stale-tag").first  # GOV.UK's tag: an outline, transparent unforced
    assert tag.evaluate(style, [None, "outlineStyle"]) == "solid"
    assert tag.evaluate(style, [None, "outlineColor"]) != "rgba(0, 0, 0, 0)"
    page.locator("ol.hits h3 a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard, so :focus-visible
    focused = page.locator("ol.hits h3 a").first
    assert focused.evaluate(style, [None, "outlineStyle"]) == "solid"
    assert focused.evaluate(style, [None, "outlineColor"]) != "rgba(0, 0, 0, 0)"

    page.goto(f"{sites.service}/case-studies/suffolk-staying-close")  # checked in 2017
    icon = page.locator(".stale-warning .warning-icon")  # was a "!" without its circle
    assert icon.evaluate(style, [None, "borderTopStyle"]) == "solid"
    context.close()
