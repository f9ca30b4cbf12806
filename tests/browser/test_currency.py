"""Case studies that stay current, in a real Chromium against a real uvicorn serving the bundled
collection: "Last checked" and "May be out of date" on the results and the case study page of a
phone; the operator sends the "Is this still current?" reminders on the command line, they
arrive at a real SMTP server, and a moderator answers by keyboard alone, "Still current" with
JavaScript and "Needs an update" without; the moderators' stale list. Every page passes
axe-core with no violations and fits a 390 px screen.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser, Page, expect

from testkit.smtp import link_in
from tests.browser.checks import SIZES, accessible, check, fits, shoot, tab_to
from tests.browser.mail_site import Site, mail_site, operator
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
MODERATOR = "moderator@campaign.example"
SUBJECT = "Is this still current? "
LINKS = re.compile(r"https?://\S+/reviews/(still-current|needs-update)\?token=\S+")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("currency"), prepare=seeded_server) as site:
        operator(site, "users", "invite", MODERATOR, "--role", "moderator")
        printed = operator(site, "reviews", "send")
        assert re.search(r"^\d+ case studies due a check", printed, re.M), printed
        yield site


def reminder(site: Site, number: int) -> tuple[str, dict[str, str]]:
    """The title and links of the `number`th reminder that arrived."""
    mail: EmailMessage = site.smtp.inbox.wait_for(
        lambda m: m["Subject"].startswith(SUBJECT), count=number
    )
    links = {m.group(1): m.group(0) for m in LINKS.finditer(mail.get_content())}
    return mail["Subject"].removeprefix(SUBJECT), links


def phone(browser: Browser, javascript: bool = True) -> Page:
    context = browser.new_context(viewport=SIZES["phone"], java_script_enabled=javascript)  # type: ignore[arg-type]
    return context.new_page()


def test_results_and_the_page_say_when_each_was_last_checked(site: Site, browser: Browser) -> None:
    page = phone(browser)
    page.goto(f"{site.url}/?sort=reviewed")
    expect(page.get_by_label("Sort by")).to_have_value("reviewed")
    first = page.locator("article.hit").first
    expect(first.locator(".meta")).to_contain_text("Last checked")
    stale = page.locator("article.hit", has=page.locator(".stale-tag")).first
    expect(stale.locator(".stale-tag")).to_have_text("May be out of date")
    check(page, f"{site.shots}/phone-1-results-sorted-by-checked.png")

    page.goto(f"{site.url}/case-studies/suffolk-staying-close")  # published November 2017
    expect(page.locator(".stale-warning")).to_contain_text(
        "Nobody has checked this case study since November 2017"
    )
    expect(page.locator(".facts")).to_contain_text("Last checked November 2017")
    fits(page)
    accessible(page)
    shoot(page, path=f"{site.shots}/phone-2-case-study-out-of-date.png")


def test_still_current_by_keyboard_on_a_phone(site: Site, browser: Browser) -> None:
    title, links = reminder(site, 1)
    page = phone(browser)
    page.goto(links["still-current"])
    expect(page.locator("h1")).to_have_text("Is this still current?")
    expect(page.get_by_role("button", name="Still current")).to_be_visible()
    check(page, f"{site.shots}/phone-3-still-current-question.png")
    tab_to(page, "Still current")
    page.keyboard.press("Enter")
    expect(page.locator(".banner-heading")).to_contain_text(f"“{title}” now shows it was")
    check(page, f"{site.shots}/phone-4-still-current-done.png")
    page.get_by_role("link", name="See the case study").click()
    expect(page.locator(".stale-warning")).to_have_count(0)
    expect(page.locator(".facts")).not_to_contain_text("May be out of date")


def test_needs_update_without_javascript(site: Site, browser: Browser) -> None:
    title, links = reminder(site, 2)
    checked = phone(browser)  # axe needs JavaScript; opening the page answers nothing
    checked.goto(links["needs-update"])
    accessible(checked)
    checked.context.close()
    page = phone(browser, javascript=False)
    page.goto(links["needs-update"])
    expect(page.locator(".inset")).to_contain_text("stays on the public site")
    check(page, f"{site.shots}/phone-5-needs-update-question.png", javascript=False)
    tab_to(page, "Needs an update")
    page.keyboard.press("Enter")
    expect(page.locator(".banner-heading")).to_contain_text(f"“{title}” is open for changes")
    check(page, f"{site.shots}/phone-6-needs-update-done.png", javascript=False)
    page.goto(links["still-current"])  # the other answer is now too late
    expect(page.locator("main")).to_contain_text("already been answered")


def test_moderators_see_the_stale_list(site: Site, browser: Browser) -> None:
    invitation = site.smtp.inbox.wait_for(
        lambda m: m["To"] == MODERATOR and "account" in m["Subject"]
    )
    for size in ("desk", "phone"):
        context = browser.new_context(viewport=SIZES[size])  # type: ignore[arg-type]
        page = context.new_page()
        if size == "desk":
            page.goto(link_in(invitation))
        else:
            page.goto(f"{site.url}/sign-in")
            page.get_by_label("Email address").fill(MODERATOR)
            page.get_by_role("button", name="Email me a sign-in link").click()
            asked = lambda m: m["To"] == MODERATOR and m["Subject"].startswith("Sign in to")  # noqa: E731
            page.goto(link_in(site.smtp.inbox.wait_for(asked)))
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{site.url}/moderation/stale")
        expect(page.locator("h1")).to_have_text("Case studies that may be out of date")
        expect(page.locator("tbody tr").first).to_contain_text("Not known")  # never checked first
        expect(page.locator("tbody")).to_contain_text("Not yet")  # not asked: in later rounds
        expect(page.locator("tbody tr")).to_have_count(50)  # a page at a time
        fits(page)
        accessible(page)
        shoot(page, path=f"{site.shots}/{size}-7-stale-list.png", full_page=True)
        # The reminders went to the longest overdue (known checks long ago), listed after
        # those never known to be checked: the moderator pages on to them.
        for _ in range(10):
            if "no answer yet" in page.locator("tbody").inner_text():
                break
            page.get_by_role("link", name="Next page").click()
        expect(page.locator("tbody")).to_contain_text("no answer yet")  # asked (25 a round)
        fits(page)
        context.close()
