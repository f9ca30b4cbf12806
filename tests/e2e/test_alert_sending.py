"""The alert job across processes, against a real SMTP server (aiosmtpd): `indexer alerts send`
killed right after recording one alert's email neither loses nor repeats an email when run
again, and two services sharing one PostgreSQL, both sending on a schedule, send each email
once."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from sqlmodel import Session, select

from app.config import ROOT
from app.core.collection import write_collection
from app.store.alert_tables import AlertSending
from app.store.db import make_engine
from app.store.keys import create_key
from testkit.factories import make_draft, sample_collection
from testkit.servers import service
from testkit.smtp import SmtpServer, smtp_server
from tests.postgres import PostgresServer
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e
CONFIRM = re.compile(r"/alerts/confirm\?token=(\S+)")
SEARCH = {"theme": ["care-leavers"], "age_band": ["16-25"]}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def mail_env(smtp: SmtpServer, url: str, tmp: Path, **more: str) -> dict[str, str]:
    """The services' settings: mail to the test's SMTP server, and a small collection so that
    they start in seconds."""
    collection = tmp / "collection"
    if not collection.exists():
        collection.mkdir()
        write_collection(collection, sample_collection())
    return {
        "DATABASE_URL": url,
        "DATA_DIR": str(collection),
        "RATE_LIMIT": "off",
        "SMTP_URL": smtp.url,
        "PUBLIC_URL": "http://127.0.0.1",
        "MAIL_RETRY_SECONDS": "0.5",
        "LOG_FORMAT": "text",
        **more,
    }


def subscribe(base: str, smtp: SmtpServer, email: str) -> None:
    """Ask for an alert and follow the confirmation link, as a person would."""
    asked = httpx.post(
        f"{base}/api/v1/alerts",
        json={"email": email, "frequency": "immediate", **SEARCH},
        timeout=30,
    )
    assert asked.status_code == 202, asked.text
    mail = smtp.inbox.wait_for(lambda m: m["To"] == email and "Confirm" in m["Subject"])
    found = CONFIRM.search(mail.get_content())
    assert found
    done = httpx.post(
        f"{base}/alerts/confirm",
        data={"token": unquote(found.group(1))},
        headers={"Sec-Fetch-Site": "same-origin"},  # as a browser says of our own form, timeout=30
    )
    assert "Your email alert is set up" in done.text


def publish(base: str, url: str, title: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        council = create_key(session, "council", "Leeds City Council")[1]
        moderator = create_key(session, "moderator")[1]
    engine.dispose()
    draft = make_draft(title=title, themes=["care-leavers"], age_bands=["16-25"])
    record = httpx.post(
        f"{base}/api/v1/submissions",
        json=draft,
        headers={"Authorization": f"Bearer {council}"},
        timeout=30,
    ).json()
    published = httpx.post(
        f"{base}/api/v1/moderation/{record['id']}/publish",
        headers={"Authorization": f"Bearer {moderator}"},
        timeout=30,
    )
    assert published.status_code == 200, published.text


def alert_emails(smtp: SmtpServer, email: str) -> int:
    return len([m for m in smtp.inbox.to(email) if "new case stud" in m["Subject"]])


def sendings(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        count = len(session.exec(select(AlertSending)).all())
    engine.dispose()
    return count


def send_alerts(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer", "alerts", "send"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_killed_after_recording_an_email_neither_loses_nor_repeats_one(
    tmp_path: Path, smtp: SmtpServer, seeded_server: ServerPrepare
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    readers = ["first@council.example", "second@council.example"]
    env = mail_env(smtp, url, tmp_path, ALERT_SEND_SECONDS="0", ALERT_LEASE_SECONDS="1")
    with service(tmp_path, env, prepare=seeded_server) as base:
        for reader in readers:
            subscribe(base, smtp, reader)
        publish(base, url, "Staying close for care leavers")
    # The command line has its own index (built from the store), as cron on another machine
    # would, and no service is running to deliver the outbox meanwhile.
    cron = {**env, "INDEX_DIR": str(tmp_path / "cron-index")}
    killed = send_alerts({**cron, "FAILPOINTS": "alert-recorded"})
    assert killed.returncode == -9, killed.stderr  # SIGKILL, right after the first commit
    assert sendings(url) == 1
    assert [alert_emails(smtp, r) for r in readers] == [0, 0]  # queued, not yet delivered
    time.sleep(1.1)  # the dead process's lease lapses (ALERT_LEASE_SECONDS)
    again = send_alerts(cron)
    assert again.returncode == 0, again.stderr
    assert "1 alert(s) checked, 1 emailed; 2 message(s) delivered" in again.stdout
    for reader in readers:
        smtp.inbox.wait_for(lambda m, r=reader: m["To"] == r and "new case stud" in m["Subject"])
    third = send_alerts(cron)
    assert "0 emailed" in third.stdout
    assert [alert_emails(smtp, r) for r in readers] == [1, 1]
    assert sendings(url) == 2


def test_two_services_on_one_postgresql_send_each_email_once(
    tmp_path: Path, smtp: SmtpServer, postgres: PostgresServer, seeded_server: ServerPrepare
) -> None:
    url = postgres.new_database()
    readers = [f"reader{n}@council.example" for n in range(6)]
    env = mail_env(smtp, url, tmp_path, ALERT_SEND_SECONDS="0.2", ALERT_LEASE_SECONDS="5")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        service(
            tmp_path / "a",
            {**env, "INDEX_DIR": str(tmp_path / "a" / "index")},
            prepare=seeded_server,
        ) as a,
        service(
            tmp_path / "b",
            {**env, "INDEX_DIR": str(tmp_path / "b" / "index")},
            prepare=seeded_server,
        ) as b,
    ):
        for n, reader in enumerate(readers):
            subscribe(a if n % 2 else b, smtp, reader)
        publish(a, url, "Staying close for care leavers")
        for reader in readers:
            smtp.inbox.wait_for(
                lambda m, r=reader: m["To"] == r and "new case stud" in m["Subject"]
            )
        # Both keep running their schedules; no second email may follow.
        time.sleep(2.0)
        assert [alert_emails(smtp, r) for r in readers] == [1] * len(readers)
        assert sendings(url) == len(readers)
    logs = [(tmp_path / side / "server.log").read_text() for side in ("a", "b")]
    assert all("alerts: " in log for log in logs)  # both took their turns with the job
    assert not any(reader in log for log in logs for reader in readers)  # no address logged
