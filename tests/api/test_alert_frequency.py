"""Changing how often an alert is sent on the manage page, through HTTP and a real SMTP server:
the page says what changed and the next send follows the new frequency; a made-up frequency,
another address's alert, a tampered, expired or cross-site post change nothing."""

import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.store.alert_tables import Alert
from app.store.secrets import stored_secret
from testkit.factories import sample_collection
from testkit.smtp import SmtpServer
from tests.api.alerting import (
    CARE_LEAVERS,
    MANAGE,
    SAME_SITE,
    ask,
    confirm,
    mail_to,
    outbox_settled,
    publish,
)
from tests.api.browsing import mailing
from tests.seeded import Prepare

ADDRESS = "practitioner@council.example"
OTHER = "someone.else@council.example"
CARE = "Care leavers, Transition to adulthood (16-25)"
LEAVERS = {"themes": ["care-leavers"], "age_bands": ["16-25"]}


@pytest.fixture
def alerting(prepare_store: Prepare, settings: Settings, smtp: SmtpServer) -> Iterator[TestClient]:
    prepare_store(settings, sample_collection())
    with TestClient(create_app(mailing(settings, smtp, alert_send_seconds=0))) as client:
        yield client  # each test runs the alert job itself


def send_alerts(client: TestClient) -> int:
    run = client.app.state.alert_sender.run_once()  # type: ignore[attr-defined]
    assert run.ran
    emailed: int = run.emailed
    return emailed


def _alerts(client: TestClient) -> list[Alert]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(Alert).order_by(Alert.id)))  # type: ignore[arg-type]


def _age(client: TestClient, alert_id: int | None, days: int) -> None:
    """Make an alert's last check `days` older (as if that long had passed)."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        alert = session.get(Alert, alert_id)
        assert alert is not None and alert.checked_at is not None
        alert.checked_at -= timedelta(days=days)
        session.add(alert)
        session.commit()


def manage_token(client: TestClient, smtp: SmtpServer, email: str) -> str:
    """The token of a manage link emailed to an address (asked for as a person would)."""
    asked = client.post("/alerts/manage-link", data={"email": email}, headers=SAME_SITE)
    assert asked.status_code == 200
    link = MANAGE.search(mail_to(smtp, email, "Your email alerts").get_content())
    assert link
    return unquote(link.group(1).split("token=", 1)[1])


def change(client: TestClient, token: str, alert: int | None, frequency: str) -> Response:
    form = {"token": token, "alert": str(alert), "frequency": frequency}
    return client.post("/alerts/manage/frequency", data=form, headers=SAME_SITE)


def test_the_manage_page_changes_how_often_and_says_so(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "immediate", **CARE_LEAVERS).status_code == 202
    assert ask(alerting, ADDRESS, "daily", q="kinship").status_code == 202
    confirm(alerting, smtp, ADDRESS, 1)
    token = manage_token(alerting, smtp, ADDRESS)
    care, kinship = (a.id for a in _alerts(alerting))
    page = alerting.get("/alerts/manage", params={"token": token})
    assert '<option value="immediate" selected>As soon as they are published' in page.text
    assert f"How often to email you about {CARE}" in page.text

    changed = change(alerting, token, care, "weekly")
    assert changed.status_code == 200  # followed the 303
    text = changed.text
    assert f"Your alert for {CARE} will now be sent once a week" in text
    assert [(a.id, a.frequency) for a in _alerts(alerting)] == [
        (care, "weekly"),
        (kinship, "daily"),
    ]
    # The unconfirmed one can be changed too: it is sent that often once confirmed.
    again = change(alerting, token, kinship, "immediate")
    assert "“kinship” will now be sent as soon as new case studies are published" in again.text
    assert _alerts(alerting)[1].frequency == "immediate"


def test_an_alert_made_weekly_waits_a_week_and_one_made_immediate_sends_at_once(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "immediate", **CARE_LEAVERS).status_code == 202
    confirm(alerting, smtp, ADDRESS)
    (alert,) = (a.id for a in _alerts(alerting))
    _age(alerting, alert, 8)  # nothing published for a week: an immediate alert is not checked
    token = manage_token(alerting, smtp, ADDRESS)
    assert change(alerting, token, alert, "weekly").status_code == 200
    first = publish(alerting, title="Care leavers' hub", **LEAVERS)
    assert send_alerts(alerting) == 0  # made weekly just now: not at once, as immediate did
    _age(alerting, alert, 7)
    second = publish(alerting, title="Staying close", **LEAVERS)
    assert send_alerts(alerting) == 1  # a week on: everything since its last email
    body = mail_to(smtp, ADDRESS, "new case stud").get_content()
    assert f"/case-studies/{first}" in body and f"/case-studies/{second}" in body
    assert "once a week" in body

    assert change(alerting, token, alert, "immediate").status_code == 200
    third = publish(alerting, title="Mentors for care leavers", **LEAVERS)
    assert send_alerts(alerting) == 1  # weekly, this would wait 7 days
    latest = mail_to(smtp, ADDRESS, "new case stud", 2).get_content()
    assert f"/case-studies/{third}" in latest and f"/case-studies/{first}" not in latest


def test_bad_changes_change_nothing(alerting: TestClient, smtp: SmtpServer) -> None:
    assert ask(alerting, ADDRESS, "daily", **CARE_LEAVERS).status_code == 202
    assert ask(alerting, OTHER, "daily", q="kinship").status_code == 202
    confirm(alerting, smtp, ADDRESS)
    token = manage_token(alerting, smtp, ADDRESS)
    ours, theirs = (a.id for a in _alerts(alerting))

    hourly = change(alerting, token, ours, "hourly")
    assert hourly.status_code == 422
    text = hourly.text
    assert "There is a problem" in text and f'href="#frequency-{ours}"' in text
    assert "Select how often you want to get emails" in text and "will now be sent" not in text
    someone_elses = change(alerting, token, theirs, "weekly")
    assert someone_elses.status_code == 410
    assert "This alert no longer exists" in someone_elses.text
    assert "kinship" not in someone_elses.text
    tampered = change(alerting, token[:-3] + "abc", ours, "weekly")
    assert tampered.status_code == 400
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        secret = stored_secret(session, "alerts")
    old = URLSafeTimedSerializer(secret, salt="bright-futures-alerts", signer=_Backdated)
    expired = change(
        alerting, old.dumps(["manage", _alerts(alerting)[0].address_key]), ours, "weekly"
    )
    assert expired.status_code == 410
    form = {"token": token, "alert": str(ours), "frequency": "weekly"}
    cross_site = {"Sec-Fetch-Site": "cross-site", "Accept": "text/html"}
    assert (
        alerting.post("/alerts/manage/frequency", data=form, headers=cross_site).status_code == 403
    )
    assert alerting.post("/alerts/manage/frequency", data=form).status_code == 403
    for bad in ({"token": token, "frequency": "weekly"}, {**form, "alert": "x"}):
        refused = alerting.post("/alerts/manage/frequency", data=bad, headers=SAME_SITE)
        assert 400 <= refused.status_code < 500
    assert [a.frequency for a in _alerts(alerting)] == ["daily", "daily"]
    outbox_settled(alerting)


class _Backdated(TimestampSigner):
    """Signs as the service does, long ago: a manage link past its lifetime."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 400 * 86400
