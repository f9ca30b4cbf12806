"""Keeping an email alert near its lapse, in a real headless Chromium against a real uvicorn
(its own alert job running) and a real SMTP server: the reminder's "Keep this alert" link opens
a page with a button, pressed by the keyboard alone, with and without JavaScript, at 390 and
1280 px, axe-core finding nothing; the manage page then shows the new end date."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.core.collection import write_collection
from app.store.alert_tables import Alert
from testkit.factories import sample_collection
from testkit.servers import free_port, service
from testkit.smtp import SmtpServer, smtp_server

pytestmark = pytest.mark.browser
CONFIRM = re.compile(r"http://\S+/alerts/confirm\?token=\S+")
KEEP = re.compile(r"http://\S+/alerts/keep\?token=\S+")
WAYS = [
    ("390-nojs", {"width": 390, "height": 844}, False),
    ("390", {"width": 390, "height": 844}, True),
    ("1280", {"width": 1280, "height": 900}, True),
]


@dataclass(frozen=True)
class Site:
    url: str
    smtp: SmtpServer
    store: str
    shots: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("keeping")
    collection = tmp / "collection"
    collection.mkdir()
    write_collection(collection, sample_collection())
    port = free_port()
    shots = Path(os.environ.get("SHOTS_DIR") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with smtp_server() as smtp:
        env = {
            "DATA_DIR": str(collection),
            "SMTP_URL": smtp.url,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MAIL_RETRY_SECONDS": "0.5",
            "ALERT_SEND_SECONDS": "0.3",
            "RATE_LIMIT": "off",
        }
        with service(tmp, env, port=port) as url:
            yield Site(url, smtp, f"sqlite:///{tmp / 'store.db'}", shots)


def accessible(page: Page) -> None:
    results: Any = Axe().run(page)
    found = [(v["id"], v["help"]) for v in results.response["violations"]]
    assert found == [], page.url


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways"  # type: ignore[index]


def link_in(site: Site, email: str, subject: str, pattern: re.Pattern[str]) -> str:
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == email and subject in m["Subject"])
    found = pattern.search(mail.get_content())
    assert found, subject
    return found.group(0)


def near_its_lapse(site: Site, email: str) -> None:
    """Move the clock: the alert was confirmed 340 days ago (it ends in under a month)."""
    engine = create_engine(site.store)
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
    fits(page)
    if js:
        accessible(page)
    page.screenshot(path=site.shots / f"keep-{name}.png", full_page=True)
    page.get_by_role("button", name="Keep this alert").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your email alert is kept")
    expect(page.locator("main")).to_contain_text("It now stops on")
    fits(page)
    if js:
        accessible(page)
    page.screenshot(path=site.shots / f"kept-{name}.png", full_page=True)
    page.get_by_role("link", name="see and stop your alerts").click()
    expect(page.locator("table")).to_contain_text("unless you keep it")
    if js:
        accessible(page)
    page.screenshot(path=site.shots / f"manage-{name}.png", full_page=True)
    context.close()
