"""An address is not kept for ever: a confirmed alert lapses ALERT_KEEP_MONTHS after it was
confirmed or last kept. In its last ALERT_KEEP_NOTICE_DAYS its emails (or one reminder, when it
has nothing new) carry a signed "Keep this alert" link; keeping it starts the months again; an
alert nobody keeps is deleted by the alert job, and with an address's last alert the address is
gone from every table, its mail in the outbox too. Through HTTP and a real SMTP server, with the
clock moved by the store's own timestamps."""

import logging
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.services.alert_sender import Run
from app.store.alert_tables import Alert, AlertSending
from app.store.models import OutboxMessage, utcnow
from testkit.factories import sample_collection
from testkit.smtp import SmtpServer
from tests.api.alerting import (
    CARE_LEAVERS,
    MANAGE,
    SAME_SITE,
    ask,
    confirm,
    confirm_token,
    mail_to,
    outbox_settled,
    publish,
)
from tests.api.browsing import mailing
from tests.seeded import Prepare

ADDRESS = "keeper@council.example"
OTHER = "stayer@council.example"
KEEP = "http://testserver/alerts/keep?token="
LATE = timedelta(days=340)  # confirmed this long ago, its 12 months end in 25 or 26 days
LAPSED = timedelta(days=367)  # confirmed this long ago, its 12 months have passed


@pytest.fixture
def alerting(prepare_store: Prepare, settings: Settings, smtp: SmtpServer) -> Iterator[TestClient]:
    prepare_store(settings, sample_collection())
    with TestClient(create_app(mailing(settings, smtp, alert_send_seconds=0))) as client:
        yield client


def run(client: TestClient) -> Run:
    done: Run = client.app.state.alert_sender.run_once()  # type: ignore[attr-defined]
    assert done.ran
    outbox_settled(client)
    return done


def earlier(client: TestClient, email: str, by: timedelta) -> None:
    """Move the clock on by `by` for an address's alerts: each of their times is `by` earlier."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        for alert in session.exec(select(Alert).where(Alert.email == email)):
            for name in ("created_at", "confirmed_at", "checked_at", "last_sent_at"):
                if getattr(alert, name) is not None:
                    setattr(alert, name, getattr(alert, name) - by)
            session.add(alert)
        session.commit()


def keep_path(body: str) -> str:
    link = body[body.index(KEEP) :].split()[0]
    return "/alerts/keep?token=" + unquote(link.split("token=", 1)[1])


def subscribed(client: TestClient, smtp: SmtpServer, email: str) -> None:
    assert ask(client, email, "immediate", **CARE_LEAVERS).status_code == 202
    confirm(client, smtp, email)


def no_address_logged(caplog: pytest.LogCaptureFixture, *emails: str) -> None:
    # Every logger but the test's own SMTP server's (aiosmtpd's "mail.log" logs what it gets).
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert [line for line in lines if "alerts:" in line]  # the job did log its runs
    assert not [line for line in lines for email in emails if email in line]


def test_near_its_lapse_an_alert_sends_one_keep_reminder_and_the_link_keeps_it(
    alerting: TestClient, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    subscribed(alerting, smtp, ADDRESS)
    run(alerting)
    assert smtp.inbox.to(ADDRESS) and not mail_keep(smtp, ADDRESS)  # not yet near its lapse

    earlier(alerting, ADDRESS, LATE)
    assert run(alerting).reminded == 1
    reminder = mail_to(smtp, ADDRESS, "Keep your email alert?")
    body = reminder.get_content()
    assert "Care leavers, Transition to adulthood (16-25)" in body and "This alert stops on" in body
    assert "/alerts/unsubscribe?token=" in body
    assert "See, change or stop all your email alerts:" in body  # what the manage page does
    assert run(alerting).reminded == 0  # one reminder only
    assert len(mail_keep(smtp, ADDRESS)) == 1

    # Opening the link keeps nothing (a mail scanner opens links); the button does.
    path = keep_path(body)
    page = alerting.get(path)
    assert page.status_code == 200 and "Keep this alert" in page.text
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        before = session.exec(select(Alert)).one().confirmed_at
        assert before is not None and before < utcnow() - timedelta(days=300)
    refused = alerting.post("/alerts/keep", data={"token": path.split("=", 1)[1]})
    assert refused.status_code == 403  # a post the browser does not say came from this site
    kept = alerting.post(
        "/alerts/keep", data={"token": unquote(path.split("=", 1)[1])}, headers=SAME_SITE
    )
    assert kept.status_code == 200 and "Your email alert is kept" in kept.text
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        after = session.exec(select(Alert)).one().confirmed_at
        assert after is not None and after > utcnow() - timedelta(minutes=1)
    year = str((utcnow() + timedelta(days=365)).year)
    assert "It now stops on" in kept.text and year in kept.text
    # Not "unless you keep it again": the manage page offers no Keep until its emails do.
    assert "Nearer the time, its emails will have a link to keep it again." in kept.text

    # Kept: no lapse, no reminder, and a new case study's email carries no keep link.
    publish(
        alerting, title="Mentors for care leavers", themes=["care-leavers"], age_bands=["16-25"]
    )
    done = run(alerting)
    assert (done.emailed, done.reminded, done.lapsed) == (1, 0, 0)
    assert KEEP not in mail_to(smtp, ADDRESS, "new case stud").get_content()
    assert alerting.get(path.replace("keep", "confirm")).status_code == 400  # purpose-bound
    no_address_logged(caplog, ADDRESS)


def mail_keep(smtp: SmtpServer, email: str) -> list[str]:
    return [m["Subject"] for m in smtp.inbox.to(email) if "Keep your" in m["Subject"]]


def test_in_its_last_month_an_alerts_emails_carry_the_keep_link_instead_of_a_reminder(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    subscribed(alerting, smtp, ADDRESS)
    earlier(alerting, ADDRESS, LATE)
    publish(alerting, title="Staying close", themes=["care-leavers"], age_bands=["16-25"])
    done = run(alerting)
    assert (done.emailed, done.reminded) == (1, 0)
    body = mail_to(smtp, ADDRESS, "new case stud").get_content()
    assert "Staying close" in body and KEEP in body and "This alert stops on" in body
    assert run(alerting).reminded == 0
    assert mail_keep(smtp, ADDRESS) == []
    kept = alerting.post(
        "/alerts/keep", data={"token": unquote(keep_path(body).split("=", 1)[1])}, headers=SAME_SITE
    )
    assert kept.status_code == 200


def test_an_alert_nobody_keeps_is_deleted_and_its_address_with_it(
    alerting: TestClient, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    subscribed(alerting, smtp, ADDRESS)
    subscribed(alerting, smtp, OTHER)
    publish(
        alerting, title="Mentors for care leavers", themes=["care-leavers"], age_bands=["16-25"]
    )
    assert run(alerting).emailed == 2  # a ledger row each
    earlier(alerting, ADDRESS, LATE)
    run(alerting)
    path = keep_path(mail_to(smtp, ADDRESS, "Keep your email alert?").get_content())

    earlier(alerting, ADDRESS, LAPSED - LATE)  # nobody pressed "Keep this alert"
    assert run(alerting).lapsed == 1
    engine = alerting.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        alerts = session.exec(select(Alert)).all()
        assert [a.email for a in alerts] == [OTHER]  # the other address is kept
        ledger = session.exec(select(AlertSending)).all()
        assert {row.alert_id for row in ledger} == {alerts[0].id}
        outbox = session.exec(select(OutboxMessage)).all()
        assert outbox and ADDRESS not in {m.recipient for m in outbox}
        assert OTHER in {m.recipient for m in outbox}
        # Nowhere in the store: every text column of every table.
        for table in ("alert", "alert_sending", "outbox_message"):
            rows = session.connection().execute(text(f"SELECT * FROM {table}")).all()
            assert not [row for row in rows if ADDRESS in repr(row)], table

    gone = alerting.get(path, headers={"Accept": "text/html"})
    assert gone.status_code == 410 and "This alert no longer exists" in gone.text
    assert run(alerting).lapsed == 0
    no_address_logged(caplog, ADDRESS, OTHER)


def test_the_pages_say_how_long_an_address_is_kept(alerting: TestClient, smtp: SmtpServer) -> None:
    form = alerting.get("/alerts/new", params=CARE_LEAVERS)
    assert "An alert stops a year after you confirm it unless you choose to keep it" in form.text
    results = alerting.get("/", params=CARE_LEAVERS)
    assert "unless you choose to keep it" in results.text
    assert ask(alerting, ADDRESS, "weekly", **CARE_LEAVERS).status_code == 202
    token = confirm_token(smtp, ADDRESS)
    done = alerting.post("/alerts/confirm", data={"token": token}, headers=SAME_SITE)
    assert "An alert stops a year after you confirm it" in done.text
    earlier(alerting, ADDRESS, timedelta(days=40))  # confirmed 40 days ago
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        confirmed = session.exec(select(Alert)).one().confirmed_at
    assert confirmed is not None
    ends = f"{confirmed.day} {confirmed.strftime('%B')} {confirmed.year + 1}"
    if (confirmed.month, confirmed.day) == (2, 29):
        ends = f"28 February {confirmed.year + 1}"
    manage = MANAGE.search(done.text)
    assert manage, "no manage link"
    page = alerting.get(unquote(manage.group(1)).replace("&amp;", "&"))
    # Its end, plainly: with 11 months to run there is nothing to keep yet (its last month's
    # emails carry the keep link, and the manage page offers "Keep" from then).
    assert f"Stops on {ends}</span>" in page.text
    assert "unless you keep it" not in page.text and "Keep<span" not in page.text
    earlier(alerting, ADDRESS, LATE - timedelta(days=40))  # now in its last month
    page = alerting.get(unquote(manage.group(1)).replace("&amp;", "&"))
    assert "unless you keep it" in page.text and "Keep<span" in page.text


def test_the_manage_page_keeps_an_alert_without_waiting_for_the_email(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    subscribed(alerting, smtp, OTHER)
    assert ask(alerting, ADDRESS, "weekly", **CARE_LEAVERS).status_code == 202
    token = confirm_token(smtp, ADDRESS)
    done = alerting.post("/alerts/confirm", data={"token": token}, headers=SAME_SITE)
    for email in (ADDRESS, OTHER):
        earlier(alerting, email, LATE)  # their 12 months end in 25 or 26 days
    manage = MANAGE.search(done.text)
    assert manage, "no manage link"
    path = unquote(manage.group(1)).replace("&amp;", "&")
    token = path.split("token=", 1)[1]
    page = alerting.get(path)
    assert page.status_code == 200 and "Keep<span" in page.text
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        ids = {a.email: a.id for a in session.exec(select(Alert))}

    refused = alerting.post("/alerts/manage/keep", data={"token": token, "alert": ids[ADDRESS]})
    assert refused.status_code == 403  # a post the browser does not say came from this site
    # Another address's alert, named in this address's form, is not kept.
    form = {"token": token, "alert": [ids[ADDRESS], ids[OTHER]]}
    kept = alerting.post("/alerts/manage/keep", data=form, headers=SAME_SITE)
    assert kept.status_code == 200 and "1 alert kept" in kept.text
    year = str((utcnow() + timedelta(days=365)).year)
    assert f"{year}</span>" in kept.text  # its new end, a year on: nothing to keep now
    assert "unless you keep it" not in kept.text and "Keep<span" not in kept.text
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        confirmed = {a.email: a.confirmed_at for a in session.exec(select(Alert))}
    assert confirmed[ADDRESS] is not None and confirmed[ADDRESS] > utcnow() - timedelta(minutes=1)
    assert confirmed[OTHER] is not None and confirmed[OTHER] < utcnow() - timedelta(minutes=1)
    assert run(alerting).lapsed == 0 and not mail_keep(smtp, ADDRESS)  # no reminder needed now

    broken = alerting.post(
        "/alerts/manage/keep", data={"token": "x" + token, "alert": ids[ADDRESS]}, headers=SAME_SITE
    )
    assert broken.status_code == 400 and "not one we sent" in broken.text
