"""The service as the signed-in journeys need it: its own store and index, and a real SMTP
server on 127.0.0.1 (aiosmtpd) that its mail goes to, so a test reads mail as a person would;
the operator's command line against that store; and a moderator signed in by the link mailed."""

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from app.core.collection import write_collection
from indexer.cli import cli
from testkit.factories import sample_collection
from testkit.servers import free_port, service
from testkit.smtp import SmtpServer, link_in, smtp_server
from tests.browser.checks import SIZES, tab_to
from tests.seeded import ServerPrepare


@dataclass(frozen=True)
class Site:
    url: str
    env: dict[str, str]
    smtp: SmtpServer
    shots: Path


@contextlib.contextmanager
def mail_site(
    tmp: Path,
    timeout: float = 240,
    sample: bool = False,
    prepare: ServerPrepare | None = None,
    **settings: str,
) -> Iterator[Site]:
    """`sample` serves the small sample collection rather than the bundled one; `settings` are
    more environment variables (ALERT_SEND_SECONDS="0.3"); `prepare` goes to service().
    Screenshots go to $SHOTS_DIR when it is set (for people to look at), else into tmp."""
    port = free_port()
    shots = Path(os.environ.get("SHOTS_DIR") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    if sample:
        (tmp / "collection").mkdir()
        write_collection(tmp / "collection", sample_collection())
        settings = {"DATA_DIR": str(tmp / "collection"), **settings}
    with smtp_server() as smtp:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
            "INDEX_DIR": str(tmp / "index"),
            "SMTP_URL": smtp.url,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MAIL_RETRY_SECONDS": "0.5",
            "RATE_LIMIT": "off",
            **settings,
        }
        with service(tmp, env, port=port, timeout=timeout, prepare=prepare) as url:
            yield Site(url, env, smtp, shots)


def operator(site: Site, *args: str) -> str:
    """Run the operator's command line (`python -m indexer ARGS`) against the service's store.

    It runs in this process, through the same Typer app the command runs: a new interpreter
    spent about 3.5 s of CPU importing the service before doing anything, some twenty times a
    suite. The command reads its settings from the environment it is given, as it would."""
    done = CliRunner().invoke(cli, list(args), env={**site.env, "COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    return done.stdout


def sign_in_moderator(
    site: Site, browser: Browser, email: str, size: str, javascript: bool
) -> Page:
    """Invite a moderator on the command line and sign them in, by keyboard, from the mail."""
    operator(site, "users", "invite", email, "--role", "moderator")
    context = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email)))
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation$"))  # where a moderator lands
    return page
