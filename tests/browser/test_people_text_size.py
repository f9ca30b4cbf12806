"""The People page on a phone with the text at 200% (WCAG 1.4.4 and 1.4.10, by the root's font
size): the filters fit the width, and each person's facts stay readable, a value's words beside
or below its label, never one letter a line."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.checks import ROOT_200, adopt, check, fits
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("people-200"), sample=True) as site:
        yield site


def test_the_people_page_reflows_with_the_text_at_200_percent_on_a_phone(
    site: Site, browser: Browser
) -> None:
    operator(site, "users", "invite", "officer@leeds.example", "--role", "council",
             "--council", "Leeds City Council")  # fmt: skip
    page = sign_in_moderator(site, browser, "big.text@campaign.example", "phone", True)
    page.goto(f"{site.url}/people")
    adopt(page, ROOT_200)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    fits(page)  # the State filter's select pushed it to 503 px
    values = page.locator(".person dd")
    widths = values.evaluate_all("dds => dds.map(d => d.getBoundingClientRect().width)")
    row = page.locator(".person dl > div").first.evaluate("d => d.getBoundingClientRect().width")
    # At 8.5rem the labels took 272 of 326 px: "Moderator" ran down the page a letter a line.
    assert min(widths) >= row / 2, (widths, row)
    check(page, f"{site.shots}/phone-people-root-200.png")
    page.context.close()
