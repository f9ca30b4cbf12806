"""Mail through a real SMTP server on 127.0.0.1: sent off the request path, retried while the
server is away, given up on after MAIL_ATTEMPTS with operators told (metrics, a log line without
the address), kept across a restart, never a 500 for the person asking; STARTTLS before any
password; and, without SMTP_URL, .eml files in OUTBOX_DIR with the link in the log."""

import logging
import re
import ssl
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import trustme
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword
from aiosmtpd.smtp import Session as SmtpSession
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.store import outbox
from testkit.factories import sample_collection
from testkit.smtp import SmtpServer, link_in, smtp_server
from tests.api.browsing import Person, invite
from tests.seeded import Prepare

LEEDS = "officer@leeds.example"


Start = Callable[..., TestClient]


@pytest.fixture
def start(prepare_store: Prepare, settings: Settings) -> Start:
    """Return a factory: the app over the sample collection, sending mail to `smtp_url`."""
    prepare_store(settings, sample_collection())

    def make(smtp_url: str | None, **more: object) -> TestClient:
        update = {
            "smtp_url": smtp_url,
            "public_url": "http://testserver",
            "mail_retry_seconds": 0.2,
        }
        return TestClient(create_app(settings.model_copy(update={**update, **more})))

    return make


def metric(client: TestClient, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", client.get("/metrics").text, re.M)
    assert found, name
    return float(found.group(1))


def until(check: Callable[[], bool], timeout: float = 60) -> None:
    """Poll until check() holds: long, for a mail thread on a loaded machine; a check that
    holds returns at once."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_mail_is_retried_until_the_server_takes_it(smtp: SmtpServer, start: Start) -> None:
    smtp.stop()
    with start(smtp.url) as client:
        invite(client, LEEDS, "council", "Leeds City Council")
        asked = Person.at(client).ask_for_link(LEEDS)
        assert asked.status_code == 303  # the person is not kept waiting, nor told of trouble
        until(lambda: metric(client, "bf_mail_failures_total") >= 2)
        assert metric(client, "bf_mail_waiting") == 2
        assert metric(client, "bf_mail_sent_total") == 0
        smtp.start()
        smtp.inbox.wait_for(lambda m: m["To"] == LEEDS, count=2)
        until(lambda: metric(client, "bf_mail_waiting") == 0)
        assert metric(client, "bf_mail_sent_total") == 2


def test_mail_is_given_up_after_its_last_attempt_and_operators_are_told(
    smtp: SmtpServer, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    smtp.stop()
    with caplog.at_level(logging.INFO), start(smtp.url, mail_attempts=2) as client:
        invite(client, LEEDS, "council", "Leeds City Council")
        until(lambda: metric(client, "bf_mail_given_up_total") == 1)
        assert metric(client, "bf_mail_failures_total") == 2
        assert metric(client, "bf_mail_failed") == 1 and metric(client, "bf_mail_waiting") == 0
    mail_lines = [r.getMessage() for r in caplog.records if r.name == "app.services.mail"]
    assert any("mail 1 (invitation) attempt 1 of 2 failed, next in 0 s" in m for m in mail_lines)
    assert any("mail 1 (invitation) attempt 2 failed; given up" in m for m in mail_lines)
    assert not any(LEEDS in r.getMessage() for r in caplog.records)


def test_queued_mail_survives_a_restart(smtp: SmtpServer, start: Start) -> None:
    smtp.stop()
    with start(smtp.url, mail_retry_seconds=3600) as first:
        invite(first, LEEDS, "council", "Leeds City Council")
        until(lambda: metric(first, "bf_mail_failures_total") == 1)
    smtp.start()  # the next process, on a machine whose mail server is back
    with start(smtp.url) as second:
        with Session(second.app.state.engine) as session:  # type: ignore[attr-defined]
            waiting = outbox.find_message(session, 1)
            assert waiting is not None and waiting.attempts == 1
            waiting.next_attempt_at = waiting.created_at  # its hour-long wait is over
            session.add(waiting)
            session.commit()
        second.app.state.mailer.wake()  # type: ignore[attr-defined]
        mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS)
        assert link_in(mail).startswith("http://testserver/sign-in/confirm?token=")


def test_without_smtp_mail_is_written_to_the_outbox_folder_and_the_link_logged(
    settings: Settings, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    outbox_dir = settings.outbox_dir
    with caplog.at_level(logging.INFO), start(None, public_url=None) as client:
        invite(client, LEEDS, "council", "Leeds City Council")
        until(lambda: any("written to" in r.getMessage() for r in caplog.records))
    [written] = list(outbox_dir.glob("*.eml"))
    assert written.name == "000001-invitation.eml"
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mail["To"] == LEEDS and mail["Auto-Submitted"] == "auto-generated"
    link = link_in(mail)  # type: ignore[arg-type]
    assert link.startswith("http://127.0.0.1:8000/sign-in/confirm?token=")  # `make run`'s address
    logged = [r.getMessage() for r in caplog.records if r.name == "app.services.mail"]
    assert any(link in line and str(written) in line for line in logged), (link, logged)
    assert not list(outbox_dir.glob("*.part"))


def test_a_password_is_never_sent_without_starttls(
    smtp: SmtpServer, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"smtp://mailer:s3cret-pw@127.0.0.1:{smtp.port}"
    with caplog.at_level(logging.INFO), start(url) as client:
        invite(client, LEEDS, "council", "Leeds City Council")
        until(lambda: metric(client, "bf_mail_failures_total") >= 1)
        assert smtp.inbox.messages == []
    assert any("offers no STARTTLS" in r.getMessage() for r in caplog.records)
    assert not any("s3cret-pw" in r.getMessage() for r in caplog.records)


@pytest.fixture
def tls_smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A server that takes mail only after STARTTLS and a login, with a certificate from a CA
    that this test's process trusts (as an operator's machine trusts its mail server's)."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(
        server: SMTP, session: SmtpSession, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"p@ss:word")

    with smtp_server(
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    ) as server:
        server.logins = logins  # type: ignore[attr-defined]
        yield server


def test_starttls_then_login_then_send(tls_smtp: SmtpServer, start: Start) -> None:
    url = f"smtp://mailer%40council.example:p%40ss%3Aword@127.0.0.1:{tls_smtp.port}"
    with start(url) as client:
        invite(client, LEEDS, "council", "Leeds City Council")
        tls_smtp.inbox.wait_for(lambda m: m["To"] == LEEDS)
    assert tls_smtp.logins == [(b"mailer@council.example", b"p@ss:word")]  # type: ignore[attr-defined]


def test_sent_mail_keeps_no_link_and_goes_after_thirty_days(smtp: SmtpServer, start: Start) -> None:
    with start(smtp.url) as client:
        invite(client, LEEDS, "council", "Leeds City Council")
        smtp.inbox.wait_for(lambda m: m["To"] == LEEDS)
        engine = client.app.state.engine  # type: ignore[attr-defined]
        until(lambda: metric(client, "bf_mail_waiting") == 0)
        with Session(engine) as session:
            sent = outbox.find_message(session, 1)
            assert sent is not None and sent.sent_at is not None
            assert sent.body == ""  # the link it carried is not kept
            sent.sent_at -= outbox.KEEP
            session.add(sent)
            session.commit()
    with start(smtp.url) as again:  # a sender purges when it starts, then hourly
        engine = again.app.state.engine  # type: ignore[attr-defined]

        def gone() -> bool:
            with Session(engine) as session:
                return outbox.find_message(session, 1) is None

        until(gone)
