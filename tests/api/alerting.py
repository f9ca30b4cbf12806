"""Helpers for the alert tests: the app with mail going to a real SMTP server, asking for an
alert, following the emailed links as a person would, and publishing a case study."""

import re
import time
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.store import outbox
from app.store.keys import create_key
from testkit.factories import make_draft
from testkit.smtp import SmtpServer

CONFIRM = re.compile(r"http://testserver(/alerts/confirm\?token=[^\s\"<]+)")
MANAGE = re.compile(r"http://testserver(/alerts/manage\?token=[^\s\"<]+)")
CARE_LEAVERS = {"theme": ["care-leavers"], "age_band": ["16-25"]}
# What a browser says of a form posted from one of this site's own pages.
SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Accept": "text/html"}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def ask(client: TestClient, email: str, frequency: str = "immediate", **search: Any) -> Any:
    return client.post("/api/v1/alerts", json={"email": email, "frequency": frequency, **search})


def mail_to(smtp: SmtpServer, email: str, subject: str, count: int = 1) -> EmailMessage:
    return smtp.inbox.wait_for(lambda m: m["To"] == email and subject in m["Subject"], count)


def confirm_token(smtp: SmtpServer, email: str, count: int = 1) -> str:
    """The token of the link in the `count`th confirmation email to an address."""
    found = CONFIRM.search(mail_to(smtp, email, "Confirm", count).get_content())
    assert found, "no confirmation link"
    return unquote(found.group(1).split("token=", 1)[1])


def confirm(client: TestClient, smtp: SmtpServer, email: str, count: int = 1) -> None:
    """Open the confirmation email's link and press Confirm."""
    token = confirm_token(smtp, email, count)
    page = client.get("/alerts/confirm", params={"token": token})
    assert page.status_code == 200 and "Confirm your email alert" in page.text
    done = client.post("/alerts/confirm", data={"token": token}, headers=SAME_SITE)
    assert done.status_code == 200 and "Your email alert is set up" in done.text


def publish(client: TestClient, **draft: Any) -> str:
    """Submit and publish a case study; its slug."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        council = create_key(session, "council", "Leeds City Council")[1]
        moderator = create_key(session, "moderator")[1]
    record = client.post(
        "/api/v1/submissions",
        json=make_draft(**draft),
        headers={"Authorization": f"Bearer {council}"},
    )
    assert record.status_code == 201, record.text
    published = client.post(
        f"/api/v1/moderation/{record.json()['id']}/publish",
        headers={"Authorization": f"Bearer {moderator}"},
    )
    assert published.status_code == 200, published.text
    slug: str = published.json()["slug"]
    return slug


def outbox_settled(client: TestClient, timeout: float = 60) -> None:
    """Wait until the outbox has nothing left to send (long: the mail thread on a loaded
    machine; an outbox that empties returns at once)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            if outbox.counts(session)["waiting"] == 0:
                return
        assert time.monotonic() < deadline, "the outbox did not empty"
        time.sleep(0.05)
