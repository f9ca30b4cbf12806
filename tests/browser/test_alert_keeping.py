"""Keeping an email alert near its lapse, in a real headless Chromium against a real uvicorn
(its own alert job running) and a real SMTP server: the reminder's "Keep this alert" link opens
a page with a button, pressed by the keyboard alone, with and without JavaScript, at 390 and
1280 px, axe-core finding nothing; the manage page then shows the new end date."""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.store.alert_tables import Alert
from tests.browser.checks import accessible, check, shoot
from tests.browser.mail_site import Site, mail_site
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
CONFIRM = re.compile(r"http://\S+/alerts/confirm\?token=\S+")
KEEP = re.compile(r"http://\S+/alerts/keep\?token=\S+")
WAYS = [
    ("390-nojs", {"width": 390, "height": 844}, False),
    ("390", {"width": 390, "height": 844}, True),
    ("1280", {"width": 1280, "height": 900}, True),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("keeping")
    with mail_site(tmp, sample=True, ALERT_SEND_SECONDS="0.3", prepare=seeded_server) as site:
        yield site


def link_in(site: Site, email: str, subject: str, pattern: re.Pattern[str]) -> str:
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == email and subject in m["Subject"])
    found = pattern.search(mail.get_content())
    assert found, subject
    return found.group(0)


def near_its_lapse(site: Site, email: str) -> None:
    """Move the clock: the alert was confirmed 340 days ago (it ends in under a month)."""
    engine = create_engine(site.env["DATABASE_URL"])
    with Session(engine) as session:
        alert = session.exec(select(Alert).where(Alert.email == email)).one()
        assert alert.confirmed_at is not None
        alert.confirmed_at -= timedelta(days=340)
        session.add(alert)
        session.commit()
    engine.dispose()


@pytest.mark.parametrize(("name", "viewport", "js"), WAYS, ids=[w[0] for w in WAYS])
def test_the_reminders_link_keeps_the_alert_by_keyboard(
    site: Site, browser: Browser, name: str, viewport: dict[str, int], js: bool
) -> None:
    email = f"keeper-{name}@council.example"
    asked = httpx.post(
        site.url + "/api/v1/alerts",
        json={"email": email, "frequency": "weekly", "theme": ["care-leavers"]},
        timeout=30,
    )
    assert asked.status_code == 202, asked.text
    context = browser.new_context(viewport=viewport, java_script_enabled=js)
    page = context.new_page()
    page.goto(link_in(site, email, "Confirm", CONFIRM))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Your email alert is set up")
    expect(page.locator("main")).to_contain_text("An alert stops a year after you confirm it")

    near_its_lapse(site, email)
    page.goto(link_in(site, email, "Keep your email alert?", KEEP))
    expect(page.locator("h1")).to_have_text("Keep your email alert")
    expect(page.locator("main")).to_contain_text("This alert stops on")
    check(page, site.shots / f"keep-{name}.png", js)
    page.get_by_role("button", name="Keep this alert").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your email alert is kept")
    expect(page.locator("main")).to_contain_text("It now stops on")
    check(page, site.shots / f"kept-{name}.png", js)
    page.get_by_role("link", name="see, change or stop your alerts").click()
    expect(page.locator("table")).to_contain_text("Stops on")
    # A year to run again: nothing to keep until its last month.
    expect(page.locator("table")).not_to_contain_text("unless you keep it")
    expect(page.get_by_role("button", name=re.compile(r"^Keep"))).to_have_count(0)
    if js:
        accessible(page)
    shoot(page, path=site.shots / f"manage-{name}.png", full_page=True)
    context.close()
