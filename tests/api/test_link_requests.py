"""Asking for an emailed link (to sign in, to manage alerts) tells nobody whether an address has
an account or alerts: not by the answer (status, headers, body, cookies) and not by the work
done before it, which once took 11 ms longer for an address with an account, over HTTP
(docs/security.md). The request does the same store writes for every address; the mail sender
looks the address up afterwards, sends the link only to an account or to alerts, and forgets
an address that has neither."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from app.config import Settings
from app.services.mail import Mailer, Policy
from app.store.models import OutboxMessage, SignInToken
from testkit.smtp import SmtpServer
from tests.api.alerting import SAME_SITE, ask, mail_to
from tests.api.browsing import Person, invite, mailing

LEEDS, NOBODY, GONE = "officer@leeds.example", "nobody@nowhere.example", "gone@york.example"
VARY = {"date", "x-request-id"}  # every answer's own


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def answer(response: httpx.Response) -> tuple[Any, ...]:
    headers = sorted((k, v) for k, v in response.headers.multi_items() if k not in VARY)
    return response.status_code, headers, response.content


@contextmanager
def statements(client: TestClient) -> Iterator[list[str]]:
    """The SQL that requests run (in the server's request threads) while in the block."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if threading.current_thread().name == "AnyIO worker thread":
            seen.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def outbox_rows(client: TestClient) -> list[OutboxMessage]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def held_mail(client: TestClient, smtp: SmtpServer) -> Mailer:
    """The app's mail sender, stopped once what was queued has gone (so a test sees what a
    request leaves behind); `deliver_due` still sends by hand."""
    mailer: Mailer = client.app.state.mailer  # type: ignore[attr-defined]
    mailer.stop()
    mailer.deliver_due()
    return mailer


def test_asking_for_a_sign_in_link_is_the_same_for_any_address(
    client: TestClient, smtp: SmtpServer
) -> None:
    invite(client, LEEDS, "council", "Leeds City Council")
    gone = invite(client, GONE, "council", "City of York Council")
    app: Any = client.app
    with Session(app.state.engine) as session:
        app.state.accounts.revoke(session, None, gone.id)
    mailer = held_mail(client, smtp)
    tokens = len(outbox_rows(client)), [t.id for t in _tokens(client)]
    person = Person.at(client)
    person.get("/sign-in")
    form = {"csrf_token": person.token()}
    answers, sql = [], []
    for email in (LEEDS, NOBODY, GONE):
        with statements(client) as seen:
            sent = person.client.post(
                "/sign-in", data={**form, "email": email}, follow_redirects=False
            )
            answers.append(answer(sent))
        sql.append(seen)
    assert answers[0][0] == 303 and answers[0] == answers[1] == answers[2]
    assert sql[0] == sql[1] == sql[2] and any("INSERT" in s for s in sql[0])
    assert [t.id for t in _tokens(client)] == tokens[1]  # no link made while answering
    queued = outbox_rows(client)[tokens[0] :]
    assert [(m.kind, m.recipient) for m in queued] == [
        ("request:sign-in", e) for e in (LEEDS, NOBODY, GONE)
    ]

    # A sender that cannot prepare a request (the command line's) leaves it alone.
    assert Mailer.from_settings(app.state.engine, app.state.settings).deliver_due() == []
    assert len(outbox_rows(client)) == tokens[0] + 3
    mailer.deliver_due()
    assert smtp.inbox.wait_for(lambda m: m["To"] == LEEDS, count=2)["Subject"].startswith("Sign in")
    assert smtp.inbox.to(NOBODY) == [] and len(smtp.inbox.to(GONE)) == 1  # its invitation
    left = {m.recipient for m in outbox_rows(client)}
    assert NOBODY not in left and GONE in left  # the typed address is forgotten; GONE's invitation


def _tokens(client: TestClient) -> list[SignInToken]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(SignInToken)))


def test_asking_for_a_manage_link_is_the_same_with_or_without_alerts(
    client: TestClient, smtp: SmtpServer
) -> None:
    assert ask(client, LEEDS, "daily", theme=["care-leavers"]).status_code == 202
    mail_to(smtp, LEEDS, "Confirm")
    mailer = held_mail(client, smtp)
    before = len(outbox_rows(client))
    answers, sql = [], []
    for email in (LEEDS, NOBODY):
        with statements(client) as seen:
            sent = client.post("/alerts/manage-link", data={"email": email}, headers=SAME_SITE)
            answers.append(answer(sent))
        sql.append(seen)
    assert answers[0][0] == 200 and answers[0] == answers[1]
    assert sql[0] == sql[1] and any("INSERT" in s for s in sql[0])
    queued = outbox_rows(client)[before:]
    assert [(m.kind, m.recipient) for m in queued] == [
        ("request:alert-manage", LEEDS),
        ("request:alert-manage", NOBODY),
    ]
    mailer.deliver_due()
    assert "/alerts/manage?token=" in mail_to(smtp, LEEDS, "Your email alerts").get_content()
    assert smtp.inbox.to(NOBODY) == []
    assert NOBODY not in {m.recipient for m in outbox_rows(client)}


def test_a_request_given_up_on_keeps_no_address(client: TestClient, smtp: SmtpServer) -> None:
    """A request the sender could not prepare at its last attempt (the store away) is kept for
    operators to count, without the address typed, which may be nobody's."""
    app: Any = client.app
    held_mail(client, smtp)
    person = Person.at(client)
    person.get("/sign-in")
    assert person.submit("/sign-in", {"email": NOBODY}).status_code == 303

    def store_away(_session: Session, _request: OutboxMessage) -> bool:
        raise ConnectionError("the store went away")

    mailer = Mailer.from_settings(app.state.engine, app.state.settings)
    mailer.policy = Policy(attempts=1)
    mailer.prepares("request:sign-in", store_away)
    assert mailer.deliver_due() == []
    [given_up] = outbox_rows(client)
    assert given_up.failed_at is not None and "ConnectionError" in (given_up.last_error or "")
    assert given_up.recipient == "" and given_up.body == ""
