"""Email alerts in a real headless Chromium against a real uvicorn and a real SMTP server: the
form below the results at 390 px without JavaScript, the emailed confirmation followed, the
manage page, the form's errors, the keyboard alone, and axe-core with no violations at all on
every page of the journey (at 390 and 1280 px)."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.checks import accessible, fits, shoot, tab_to
from tests.browser.mail_site import Site, mail_site
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SEARCH = "/?theme=care-leavers&age_band=16-25"
CONFIRM = re.compile(r"http://\S+/alerts/confirm\?token=\S+")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("alerts"), sample=True, prepare=seeded_server) as site:
        yield site


CARE = "Care leavers, Transition to adulthood (16-25)"
STOP = f"Stop emails about {CARE}"


def confirmation_link(site: Site, email: str) -> str:
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == email and "Confirm" in m["Subject"])
    found = CONFIRM.search(mail.get_content())
    assert found
    return found.group(0)


def test_the_results_page_form_works_at_390_px_without_javascript(
    site: Site, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + SEARCH)
    form = page.locator(".alert-signup")
    expect(form.get_by_role("heading")).to_have_text("Get emails about new case studies like these")
    fits(page)
    page.get_by_role("button", name="Get emails").click()  # nothing filled in
    expect(page.locator(".error-summary")).to_contain_text("Enter your email address")
    expect(page.locator(".error-summary")).to_contain_text(
        "Select how often you want to get emails"
    )
    shoot(page, path=site.shots / "alerts-form-errors-390-nojs.png", full_page=True)
    page.get_by_label("Email address").fill("reader@council.example")
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="Get emails").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    shoot(page, path=site.shots / "alerts-check-email-390-nojs.png", full_page=True)
    # Back to the results signed up from: it went to an empty search box.
    page.get_by_role("link", name="Back to the search").click()
    page.wait_for_url(re.compile(r"/\?"))
    expect(page.locator("ol.hits > li").first).to_be_visible()
    assert sorted(page.url.split("?", 1)[1].split("&")) == ["age_band=16-25", "theme=care-leavers"]

    page.goto(site.url + SEARCH)
    shoot(form, path=site.shots / "alerts-form-390-nojs.png")
    form.get_by_label("Email address").fill("phone@council.example")
    form.get_by_label("As soon as they are published").check()
    form.get_by_role("button", name="Get emails").click()
    expect(page.locator("h1")).to_have_text("Check your email")

    page.goto(confirmation_link(site, "phone@council.example"))
    expect(page.locator(".inset")).to_contain_text("Care leavers, Transition to adulthood (16-25)")
    shoot(page, path=site.shots / "alerts-confirm-390-nojs.png", full_page=True)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Your email alert is set up")
    fits(page)
    shoot(page, path=site.shots / "alerts-confirmed-390-nojs.png", full_page=True)
    page.get_by_role("link", name="see, change or stop your alerts").click()
    expect(page.locator("h1")).to_have_text("Your email alerts")
    expect(page.locator("table")).to_contain_text("As soon as they are published")
    fits(page)
    shoot(page, path=site.shots / "alerts-manage-390-nojs.png", full_page=True)
    told_where_to_get_emails(page, site)
    page.get_by_role("button", name=STOP).click()
    expect(page.locator(".banner")).to_contain_text("1 alert stopped")
    expect(page.locator(".banner")).to_be_focused()  # so it is read out, without a script
    expect(page.locator("main")).to_contain_text("This address gets no email alerts from us")
    context.close()


def told_where_to_get_emails(page: Page, site: Site) -> None:
    """The manage page says where a search's "Get emails" is, and it is there: above the
    results (on a new tab, so the manage page stays as it was)."""
    expect(page.locator("main")).to_contain_text(
        "search for it, then select Get emails above the results"
    )
    results = page.context.new_page()
    results.goto(site.url + SEARCH)
    link = results.get_by_role("link", name="Get emails about this search")
    first_result = results.locator("ol.hits > li").first
    link_box, result_box = link.bounding_box(), first_result.bounding_box()
    assert link_box and result_box and link_box["y"] + link_box["height"] <= result_box["y"]
    results.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["390", "1280"])
def test_every_page_of_the_journey_passes_axe_and_the_keyboard_reaches_all(
    site: Site, browser: Browser, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    email = f"keyboard{width}@council.example"
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(site.url + SEARCH)
    accessible(page)
    shoot(page.locator(".alert-signup"), path=site.shots / f"alerts-form-{width}.png")
    page.goto(site.url + "/alerts/new" + SEARCH[1:])
    accessible(page)
    # Keyboard alone: Tab to the address, arrows through the radios, Enter on the button.
    page.locator("#alert-email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first radio
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Once a day")).to_be_checked()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Get emails"
    shoot(page, path=site.shots / f"alerts-new-{width}.png", full_page=True)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Check your email")
    accessible(page)
    page.goto(confirmation_link(site, email))
    accessible(page)
    page.get_by_role("button", name="Confirm").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your email alert is set up")
    accessible(page)
    shoot(page, path=site.shots / f"alerts-confirmed-{width}.png", full_page=True)
    page.get_by_role("link", name="see, change or stop your alerts").click()
    expect(page.locator("h1")).to_have_text("Your email alerts")
    accessible(page)
    shoot(page, path=site.shots / f"alerts-manage-{width}.png", full_page=True)
    told_where_to_get_emails(page, site)
    # Stopping it says so where focus is: the page came back with focus at its top before.
    page.get_by_role("button", name=STOP).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("1 alert stopped")
    expect(page.get_by_role("alert")).to_be_focused()
    accessible(page)
    page.goto(site.url + "/alerts/manage?token=broken")
    expect(page.locator("h1")).to_have_text("This link does not work")
    accessible(page)
    shoot(page, path=site.shots / f"alerts-link-failed-{width}.png", full_page=True)
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["390", "1280"])
def test_the_manage_page_changes_how_often_by_keyboard_without_javascript(
    site: Site, browser: Browser, viewport: dict[str, int]
) -> None:
    """Going from immediate to weekly took stopping the alert and asking for it again."""
    width = viewport["width"]
    email = f"often{width}@council.example"
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + SEARCH)
    form = page.locator(".alert-signup")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("As soon as they are published").check()
    form.get_by_role("button", name="Get emails").click()
    page.goto(confirmation_link(site, email))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="see, change or stop your alerts").click()
    how_often = page.get_by_label(f"How often to email you about {CARE}")
    expect(how_often).to_have_value("immediate")
    tab_to(page, f"Change how often you get emails about {CARE}")
    page.keyboard.press("Shift+Tab")
    expect(how_often).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(how_often).to_have_value("weekly")
    shoot(page, path=site.shots / f"alerts-frequency-choose-{width}-nojs.png", full_page=True)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    banner = page.get_by_role("alert")
    expect(banner).to_have_text(f"Your alert for {CARE} will now be sent once a week")
    expect(banner).to_be_focused()  # so it is read out, without a script
    expect(how_often).to_have_value("weekly")
    fits(page)
    shoot(page, path=site.shots / f"alerts-frequency-changed-{width}-nojs.png", full_page=True)
    changed = page.url
    context.close()

    # axe needs the page's JavaScript: the page as it came back, and a choice the form never
    # offers (a tampered post) answered with the error summary on the same page.
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(changed)
    accessible(page)
    page.evaluate("document.querySelector('select option').value = 'hourly'")
    page.get_by_label(f"How often to email you about {CARE}").select_option(index=0)
    page.get_by_role("button", name=f"Change how often you get emails about {CARE}").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Select how often you want to get emails"
    )
    accessible(page)
    fits(page)
    shoot(page, path=site.shots / f"alerts-frequency-error-{width}.png", full_page=True)
    context.close()
