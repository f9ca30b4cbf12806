"""Email alerts for a search, through HTTP and a real SMTP server on 127.0.0.1: double opt-in,
exactly one email for a matching case study and none for others, RFC 8058 one-click
unsubscribe without cookies, the manage page, unconfirmed requests deleted after 7 days, bad
input refused in problem+json, and no address in the logs."""

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.store.alert_tables import Alert
from app.store.models import utcnow
from app.store.secrets import stored_secret
from testkit.factories import BODY, sample_collection
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
    path_of,
    publish,
)
from tests.api.browsing import mailing
from tests.seeded import Prepare

ADDRESS = "practitioner@council.example"


@pytest.fixture
def app_settings(prepare_store: Prepare, settings: Settings, smtp: SmtpServer) -> Settings:
    prepare_store(settings, sample_collection())
    return mailing(settings, smtp, alert_send_seconds=0)  # each test runs the job itself


@pytest.fixture
def alerting(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def send_alerts(client: TestClient) -> int:
    run = client.app.state.alert_sender.run_once()  # type: ignore[attr-defined]
    assert run.ran
    emailed: int = run.emailed
    return emailed


def alert_mail(smtp: SmtpServer, email: str) -> list[str]:
    return [m["Subject"] for m in smtp.inbox.to(email) if "new case stud" in m["Subject"]]


def test_subscribe_confirm_publish_one_email_then_one_click_unsubscribe(
    alerting: TestClient, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="app")
    asked = ask(alerting, ADDRESS, "immediate", **CARE_LEAVERS)
    assert asked.status_code == 202, asked.text
    assert asked.json()["search"] == "Care leavers, Transition to adulthood (16-25)"
    chip = "Age group: Transition to adulthood (16-25)"  # one name for the band, as the search's
    assert chip in alerting.get("/", params=CARE_LEAVERS).text

    # Nothing is sent before the link is followed, whatever is published.
    publish(
        alerting, title="Mentors for care leavers", themes=["care-leavers"], age_bands=["16-25"]
    )
    assert send_alerts(alerting) == 0
    confirm(alerting, smtp, ADDRESS)
    assert send_alerts(alerting) == 0  # published before confirming: not new to this alert

    wanted = publish(
        alerting,
        title="Staying close for care leavers",
        themes=["care-leavers"],
        age_bands=["16-25"],
    )
    publish(alerting, title="Foster carers for toddlers", themes=["fostering"], age_bands=["0-5"])
    assert send_alerts(alerting) == 1
    email = mail_to(smtp, ADDRESS, "new case stud")
    body = email.get_content()
    assert email["Subject"] == "1 new case study for Care leavers, Transition to adulthood (16-25)"
    assert body.replace("\r\n", "\n").startswith(
        "1 new case study matches your search for Care leavers, Transition to adulthood (16-25)."
        "\n\nStaying close for care leavers\n"
    )
    assert f"http://testserver/case-studies/{wanted}" in body
    assert "Staying close for care leavers" in body
    assert "Foster carers" not in body and "Mentors for" not in body
    assert "http://testserver/?age_band=16-25&theme=care-leavers" in body
    assert MANAGE.search(body)
    # the manage page lists and stops alerts; it said "See and change", which it cannot
    assert "See, change or stop all your email alerts:\n" in body.replace("\r\n", "\n")
    unsubscribe = email["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://testserver/alerts/unsubscribe?token=")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert send_alerts(alerting) == 0  # nothing new since: no email
    outbox_settled(alerting)
    assert len(alert_mail(smtp, ADDRESS)) == 1

    # Opening the link shows a button (a mail scanner that opens it stops nothing) ...
    page = alerting.get(path_of(unsubscribe))
    assert page.status_code == 200 and "Stop these emails" in page.text
    assert len(_alerts(alerting)) == 1
    # ... and one click, as a mail provider makes it: a POST with no cookies, no CSRF token.
    alerting.cookies.clear()
    stopped = alerting.post(
        path_of(unsubscribe),
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert stopped.status_code == 200
    assert "You have unsubscribed" in stopped.text
    publish(alerting, title="Care leavers' hub", themes=["care-leavers"], age_bands=["16-25"])
    assert send_alerts(alerting) == 0
    outbox_settled(alerting)
    assert len(alert_mail(smtp, ADDRESS)) == 1
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(Alert)).all() == []  # the address is gone
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("app")]
    assert ours and not [line for line in ours if ADDRESS in line]
    assert alerting.post(path_of(unsubscribe)).status_code == 200  # again: already stopped


def test_an_alert_email_says_first_how_many_new_case_studies_match_which_search(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    """It began "2 new case studies like these:" and the search on a line of its own: the
    first line a phone's inbox shows said neither what matched nor where. The subject says it
    as plainly (it was "2 new case studies: “kinship care” – Yorkshire and the Humber")."""
    search = {"q": "kinship care", "region": ["Yorkshire and the Humber"]}
    assert ask(alerting, ADDRESS, "immediate", **search).status_code == 202
    confirm(alerting, smtp, ADDRESS)
    publish(alerting, title="Kinship care hub")
    publish(alerting, title="Kinship care helpline")
    other = "Teenagers took part in sport after school."
    publish(  # not this search
        alerting,
        title="After-school sport",
        summary=other,
        body=BODY.format(challenge=other, solution=other, impact=other),
        outcomes=[],
    )
    assert send_alerts(alerting) == 1
    email = mail_to(smtp, ADDRESS, "new case stud")
    assert email["Subject"] == "2 new case studies for “kinship care” in Yorkshire and the Humber"
    body = email.get_content()
    first, blank, *rest = body.splitlines()
    assert first == (
        "2 new case studies match your search for “kinship care” in Yorkshire and the Humber."
    )
    assert blank == "" and rest[0] in ("Kinship care hub", "Kinship care helpline")
    assert "After-school sport" not in body


def test_the_unsubscribe_page_names_the_alert_it_stops_and_nothing_for_a_bad_link(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "immediate", **CARE_LEAVERS).status_code == 202
    assert (
        ask(alerting, ADDRESS, "immediate", q="kinship", region=["North West"]).status_code == 202
    )
    confirm(alerting, smtp, ADDRESS, 1)
    confirm(alerting, smtp, ADDRESS, 2)
    publish(alerting, title="Hub for care leavers", themes=["care-leavers"], age_bands=["16-25"])
    assert send_alerts(alerting) == 1
    unsubscribe = path_of(mail_to(smtp, ADDRESS, "new case stud")["List-Unsubscribe"].strip("<>"))

    page = alerting.get(unsubscribe)
    assert page.status_code == 200
    # The alert it stops, named as its emails name it, before the button; not the other one.
    named = page.text.index("Care leavers, Transition to adulthood (16-25)")
    assert named < page.text.index('<button type="submit" class="button--warning">')
    assert "As soon as they are published" in page.text
    assert "kinship" not in page.text
    assert len(_alerts(alerting)) == 2  # opening the page stops nothing

    # A link made for something else, a tampered one and an expired one name nothing.
    token = unquote(unsubscribe.split("token=", 1)[1])
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        secret = stored_secret(session, "alerts")
    old = URLSafeTimedSerializer(secret, salt="bright-futures-alerts", signer=_Backdated)
    alert_id = _alerts(alerting)[0].id
    for bad, status in [
        (confirm_token(smtp, ADDRESS, 1), 400),
        (token[:-3] + "abc", 400),
        (old.dumps(["unsubscribe", alert_id]), 410),
    ]:
        refused = alerting.get("/alerts/unsubscribe", params={"token": bad})
        assert refused.status_code == status and "This link does not work" in refused.text
        assert "Care leavers" not in refused.text and "Stop these emails" not in refused.text

    stopped = alerting.post(unsubscribe, headers=SAME_SITE)
    assert (
        "You have unsubscribed" in stopped.text
        and "Care leavers, Transition to adulthood (16-25)" in stopped.text
    )
    again = alerting.get(unsubscribe)  # the alert has gone: the page names nothing
    assert again.status_code == 200 and "Care leavers" not in again.text
    assert [a.search["q"] for a in _alerts(alerting)] == ["kinship"]


class _Backdated(TimestampSigner):
    """Signs as the service does, 181 days ago: an unsubscribe link past its 180 days."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 181 * 86400


def test_bad_input_is_refused_with_what_to_fix_and_nothing_is_sent(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    bad = ask(alerting, "not an address", "daily", theme=["unicorns"])
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    pointers = [e["pointer"] for e in bad.json()["errors"]]
    assert pointers == ["#/body/email", "#/body/theme"]
    assert "like name@example.com" in bad.json()["detail"]
    assert "allowed: " in bad.json()["detail"]
    hourly = ask(alerting, ADDRESS, "hourly")
    assert hourly.status_code == 422
    assert [e["pointer"] for e in hourly.json()["errors"]] == ["#/body/frequency"]
    assert alerting.post("/api/v1/alerts", json={"email": ADDRESS}).status_code == 422
    unknown = alerting.post(
        "/api/v1/alerts", json={"email": ADDRESS, "frequency": "daily", "colour": "red"}
    )
    assert unknown.status_code == 422
    outbox_settled(alerting)
    assert smtp.inbox.messages == []


def test_an_unconfirmed_request_is_deleted_after_seven_days(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "weekly").status_code == 202
    link = mail_to(smtp, ADDRESS, "Confirm").get_content()
    engine = alerting.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        alert = session.exec(select(Alert)).one()
        alert.created_at = utcnow() - timedelta(days=7, minutes=1)
        session.add(alert)
        session.commit()
    send_alerts(alerting)
    with Session(engine) as session:
        assert session.exec(select(Alert)).all() == []
    path = path_of(link[link.index("http://testserver/alerts/confirm") :].split()[0])
    gone = alerting.get(path, headers={"Accept": "text/html"})
    assert gone.status_code == 410
    assert "This alert no longer exists" in gone.text


def test_the_manage_page_lists_an_addresses_alerts_and_stops_them(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "daily", **CARE_LEAVERS).status_code == 202
    assert ask(alerting, ADDRESS, "weekly", region=["North West"], q="kinship").status_code == 202
    assert ask(alerting, "someone.else@council.example", "daily").status_code == 202
    confirm(alerting, smtp, ADDRESS, 1)
    confirm(alerting, smtp, ADDRESS, 2)
    forged = alerting.post("/alerts/confirm", data={"token": "not-a-token"}, headers=SAME_SITE)
    assert forged.status_code == 400 and "not one we sent" in forged.text
    page = alerting.get("/alerts/new?theme=care-leavers")  # any page gives no manage link
    assert "someone.else" not in page.text
    token = confirm_token(smtp, ADDRESS, 1)
    again = alerting.post("/alerts/confirm", data={"token": token}, headers=SAME_SITE)
    assert again.status_code == 200  # confirming twice is harmless
    manage_link = MANAGE.search(again.text)
    assert manage_link
    manage = alerting.get(manage_link.group(1))
    assert manage.status_code == 200
    assert "Care leavers, Transition to adulthood (16-25)" in manage.text
    assert "“kinship” – North West" in manage.text
    assert "someone.else" not in manage.text
    assert "never kept in our logs or analytics" in manage.text
    ids = [a.id for a in _alerts(alerting) if a.email == ADDRESS]
    token = unquote(manage_link.group(1).split("token=", 1)[1])
    stopped = alerting.post(
        "/alerts/manage", data={"token": token, "alert": ids[0]}, headers=SAME_SITE
    )
    assert stopped.status_code == 200  # followed the 303
    assert "1 alert stopped" in stopped.text
    assert (
        "Care leavers, Transition to adulthood (16-25)" not in stopped.text
        and "kinship" in stopped.text
    )
    assert [a.id for a in _alerts(alerting) if a.email == ADDRESS] == ids[1:]
    tampered = alerting.get(manage_link.group(1)[:-3] + "abc")
    assert tampered.status_code == 400 and "Email me a link" in tampered.text


def test_an_old_link_never_acts_on_someone_elses_alert(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    """On SQLite a new alert took the number of the one last stopped: the first person's
    confirmation link (and an old email's unsubscribe or keep link) then showed and confirmed
    the second person's alert, which they had not confirmed themselves."""
    assert ask(alerting, ADDRESS, "weekly", **CARE_LEAVERS).status_code == 202
    theirs = confirm_token(smtp, ADDRESS)
    confirmed = alerting.post("/alerts/confirm", data={"token": theirs}, headers=SAME_SITE)
    manage_link = MANAGE.search(confirmed.text)
    assert manage_link
    manage = unquote(manage_link.group(1).split("token=", 1)[1])
    (stopping,) = [a.id for a in _alerts(alerting)]
    stop = {"token": manage, "alert": stopping}
    assert "1 alert stopped" in alerting.post("/alerts/manage", data=stop, headers=SAME_SITE).text
    other = "someone.else@council.example"
    assert ask(alerting, other, "immediate", region=["London"]).status_code == 202
    page = alerting.get("/alerts/confirm", params={"token": theirs})
    assert page.status_code == 410 and "London" not in page.text
    pressed = alerting.post("/alerts/confirm", data={"token": theirs}, headers=SAME_SITE)
    assert pressed.status_code == 410
    assert [(a.email, a.confirmed_at) for a in _alerts(alerting)] == [(other, None)]


def _alerts(client: TestClient) -> list[Alert]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(Alert).order_by(Alert.id)))  # type: ignore[arg-type]


def test_too_many_requests_for_one_address_are_refused(
    app_settings: Settings, smtp: SmtpServer
) -> None:
    limited = app_settings.model_copy(update={"alert_rate_limit": "2/hour"})
    with TestClient(create_app(limited)) as client:
        assert ask(client, ADDRESS, "daily").status_code == 202
        assert ask(client, ADDRESS.upper(), "weekly").status_code == 202
        refused = ask(client, ADDRESS, "immediate")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert ask(client, "another@council.example", "daily").status_code == 202


def test_the_results_page_form_works_without_javascript(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    page = alerting.get("/?theme=care-leavers&sort=title")
    assert 'id="alert-form"' in page.text
    assert "Get emails about new case studies like these" in page.text
    same_site = SAME_SITE
    form = {"email": "", "search": "theme=care-leavers&sort=title"}
    wrong = alerting.post("/alerts", data=form, headers=same_site)
    assert wrong.status_code == 422
    assert "There is a problem" in wrong.text
    assert "Enter your email address" in wrong.text
    assert "Select how often you want to get emails" in wrong.text
    assert 'name="search" value="theme=care-leavers"' in wrong.text  # kept for the next try
    form = {"email": ADDRESS, "frequency": "weekly", "search": "theme=care-leavers"}
    sent = alerting.post("/alerts", data=form, headers=same_site, follow_redirects=False)
    # "Back to the search" returns to the results signed up from, not to an empty search box.
    assert sent.status_code == 303
    assert sent.headers["location"] == "/alerts/check-email?theme=care-leavers"
    checking = alerting.get(sent.headers["location"])
    assert '<a href="/?theme=care-leavers">Back to the search</a>' in checking.text
    bare = alerting.get("/alerts/check-email?next=https://evil.example&theme=nope").text
    assert '<a href="/">Back to the search</a>' in bare  # nothing but a known search
    assert "Care leavers" in mail_to(smtp, ADDRESS, "Confirm").get_content()
    cross_site = {"Sec-Fetch-Site": "cross-site", "Accept": "text/html"}
    assert alerting.post("/alerts", data=form, headers=cross_site).status_code == 403
    other_origin = {"Origin": "https://evil.example", "Accept": "text/html"}
    assert alerting.post("/alerts", data=form, headers=other_origin).status_code == 403
    ours = {
        "Origin": "http://testserver",
        "Accept": "text/html",
    }  # a browser without Fetch Metadata
    assert (
        alerting.post("/alerts", data=form, headers=ours, follow_redirects=False).status_code == 303
    )
    assert alerting.post("/alerts", data=form).status_code == 403  # says neither: refused


def test_a_new_manage_link_is_mailed_only_to_an_address_with_alerts(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "daily", **CARE_LEAVERS).status_code == 202
    same_site = SAME_SITE
    for email in (ADDRESS, "nobody@council.example"):
        answer = alerting.post("/alerts/manage-link", data={"email": email}, headers=same_site)
        assert answer.status_code == 200
        assert "If that address gets email alerts from us" in answer.text
    link = MANAGE.search(mail_to(smtp, ADDRESS, "Your email alerts").get_content())
    assert link
    assert "Care leavers, Transition to adulthood (16-25)" in alerting.get(link.group(1)).text
    outbox_settled(alerting)
    assert smtp.inbox.to("nobody@council.example") == []
    bad = alerting.post("/alerts/manage-link", data={"email": "nope"}, headers=same_site)
    assert bad.status_code == 422 and "like name@example.com" in bad.text


def test_a_daily_alert_is_checked_once_a_day_and_lists_everything_new(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    assert ask(alerting, ADDRESS, "daily", **CARE_LEAVERS).status_code == 202
    confirm(alerting, smtp, ADDRESS)
    first = publish(
        alerting, title="Care leavers' hub", themes=["care-leavers"], age_bands=["16-25"]
    )
    second = publish(alerting, title="Staying close", themes=["care-leavers"], age_bands=["16-25"])
    assert send_alerts(alerting) == 0  # not a day since it was confirmed
    engine = alerting.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        alert = session.exec(select(Alert)).one()
        assert alert.checked_at is not None
        alert.checked_at = alert.checked_at - timedelta(days=1)
        session.add(alert)
        session.commit()
    assert send_alerts(alerting) == 1
    email = mail_to(smtp, ADDRESS, "new case stud")
    assert email["Subject"] == (
        "2 new case studies for Care leavers, Transition to adulthood (16-25)"
    )
    body = email.get_content()
    assert f"/case-studies/{first}" in body and f"/case-studies/{second}" in body
    assert "once a day" in body
    assert send_alerts(alerting) == 0
