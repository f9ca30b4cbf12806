"""A person at a browser, for the page tests: follows the pages' forms with their CSRF tokens and
signs in the way people do, through the link that arrives by mail."""

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.core.accounts import Account
from testkit.smtp import SmtpServer

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(token|next)" value="([^"]*)"')


def mailing(settings: Settings, smtp: SmtpServer, **more: Any) -> Settings:
    """The settings with mail going to the test's SMTP server, retried soon, and links in it
    to the test client's host."""
    update = {"smtp_url": smtp.url, "public_url": "http://testserver", "mail_retry_seconds": 0.2}
    return settings.model_copy(update=update | more)


def invite(client: TestClient, email: str, role: str, council: str | None = None) -> Account:
    """An account made as the operator's command line makes one (and its invitation mailed)."""
    app: Any = client.app
    with Session(app.state.engine) as session:
        account: Account = app.state.accounts.invite(session, None, email, role, council)
        return account


@dataclass
class Person:
    """One browser (its own cookies) on the app that `client` started."""

    client: TestClient
    last: httpx.Response | None = field(default=None)

    @classmethod
    def at(cls, client: TestClient) -> "Person":
        browser = TestClient(client.app, base_url=str(client.base_url))
        browser.headers["accept"] = "text/html,application/xhtml+xml"
        return cls(browser)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        self.last = self.client.get(path, follow_redirects=False, **kwargs)
        return self.last

    def token(self) -> str:
        assert self.last is not None
        found = TOKEN.search(self.last.text)
        assert found, self.last.text
        return found.group(1)

    def submit(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        """Post a form from the last page, with its CSRF token."""
        body = {"csrf_token": self.token(), **(data or {})}
        self.last = self.client.post(path, data=body, follow_redirects=False)
        return self.last

    def ask_for_link(self, email: str) -> httpx.Response:
        self.get("/sign-in")
        return self.submit("/sign-in", {"email": email})

    def open_link(self, link: str) -> httpx.Response:
        parts = urlsplit(link)
        return self.get(f"{parts.path}?{parts.query}")

    def confirm(self) -> httpx.Response:
        """Press "Sign in" on the link's page."""
        assert self.last is not None
        hidden = dict(HIDDEN.findall(self.last.text))
        return self.submit("/sign-in/confirm", hidden)

    def sign_in(self, smtp: SmtpServer, email: str) -> httpx.Response:
        """Ask for a link, open the mail that brings it, press "Sign in"."""
        count = len(smtp.inbox.to(email)) + 1
        assert self.ask_for_link(email).status_code == 303
        self.open_link(smtp.inbox.link_to(email, count))
        return self.confirm()

    def signed_in(self) -> bool:
        page = self.client.get("/my/submissions", follow_redirects=False)
        return page.status_code in (200, 403)  # 403: signed in, not a council's account
