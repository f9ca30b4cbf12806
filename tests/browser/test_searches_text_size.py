"""The moderators' Searches page on a phone with the text at 200% (WCAG 1.4.4 and 1.4.10, by
the root's font size): its tables fit the width, each search's words beside its counts."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.checks import ROOT_200, adopt, check, fits, shoot
from tests.browser.mail_site import Site, mail_site, sign_in_moderator

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("searches-200"), sample=True) as site:
        yield site


def test_the_searches_page_reflows_with_the_text_at_200_percent_on_a_phone(
    site: Site, browser: Browser
) -> None:
    for query in ("kinship care", "trampolines", "family group conferences"):
        httpx.get(f"{site.url}/", params={"q": query})
    page = sign_in_moderator(site, browser, "big.searches@campaign.example", "phone", True)
    nothing = page.locator("main table", has_text="trampolines")
    for _ in range(40):  # the service writes its counts every few seconds
        page.goto(f"{site.url}/moderation/searches")
        if nothing.count():
            break
        page.wait_for_timeout(500)
    expect(nothing.first).to_be_visible()
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    adopt(page, ROOT_200)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    wide = page.evaluate(
        "[...document.querySelectorAll('main table:not(.table-scroll table)')]"
        ".map(t => [t.caption.textContent, Math.round(t.getBoundingClientRect().width)])"
    )
    # The tables ran to 441-548 px at 390 wide, words such as "December" and "Searches" side
    # by side at 32 px; the day-by-day table of every search scrolls in its own region.
    assert max(w for _, w in wide) <= 390, wide
    fits(page)
    check(page, f"{site.shots}/phone-searches-root-200.png")
    missing = page.locator("section[aria-labelledby=missing-heading] table.searched")
    missing.screenshot(path=f"{site.shots}/phone-searches-root-200-missing.png")
    page.context.close()


def test_the_charts_labels_stay_legible_on_a_phone(site: Site, browser: Browser) -> None:
    """Drawn to a phone's width, the charts' 12-unit labels were 5-7 px: each chart now scrolls
    in its own region, which the keyboard reaches, and the page itself does not."""
    httpx.get(f"{site.url}/", params={"q": "kinship care"})
    page = sign_in_moderator(site, browser, "small.charts@campaign.example", "phone", True)
    charts = page.locator("main .chart-scroll svg")
    for _ in range(40):  # the service writes its counts every few seconds
        page.goto(f"{site.url}/moderation/searches")
        if charts.count() >= 2:
            break
        page.wait_for_timeout(500)
    sizes = page.evaluate(
        "[...document.querySelectorAll('main .chart-scroll svg')].map(svg =>"
        " svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 12)"
    )
    assert len(sizes) >= 2 and min(sizes) >= 10, sizes
    region = page.locator("main .chart-scroll").first
    region.focus()
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")  # the keyboard scrolls it
    page.wait_for_function(
        "() => document.querySelector('main .chart-scroll').scrollLeft > 0", timeout=5_000
    )
    fits(page)
    check(page, f"{site.shots}/phone-searches-charts.png")
    shoot(page.locator("main .chart-scroll").nth(1), path=f"{site.shots}/phone-chart-ranked.png")
    page.context.close()
