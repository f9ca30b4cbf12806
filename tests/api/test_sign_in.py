"""Signing in by an emailed link, through HTTP as a browser does, with the mail going through a
real SMTP server: the link works once and briefly, only after pressing "Sign in"; the answer is
the same for any address; sessions expire when idle and after a fixed time, end at sign-out and
when the account is revoked; cookies carry the right flags; requests for links are limited."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.store.models import BrowserSession, SignInToken, utcnow
from testkit.factories import sample_collection
from testkit.smtp import SmtpServer, link_in
from tests.api.browsing import Person, invite, mailing
from tests.seeded import Prepare

LEEDS = "officer@leeds.example"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def officer(client: TestClient, smtp: SmtpServer) -> Person:
    invite(client, LEEDS, "council", "Leeds City Council")
    # Delivered before the test asks for links: Person.sign_in opens the next mail to arrive,
    # which would be the invitation, and using it ends the link asked for meanwhile.
    smtp.inbox.wait_for(lambda m: m["To"] == LEEDS)
    return Person.at(client)


def rows(client: TestClient, model: type) -> list:  # type: ignore[type-arg]
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(model)))


def test_the_invitation_link_signs_in_after_pressing_the_button(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS)
    assert mail["Subject"] == "You have an account on Bright Futures case study search"
    assert mail["From"] == Settings().mail_from
    link = link_in(mail)
    assert link.startswith("http://testserver/sign-in/confirm?token=")

    page = officer.open_link(link)  # what a mail scanner does: it signs nobody in
    assert page.status_code == 200 and ">Sign in</button>" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert not officer.signed_in()

    done = officer.confirm()
    assert done.status_code == 303 and done.headers["location"] == "/my/submissions"
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("bf_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags and "secure" not in flags
    assert officer.signed_in()
    bar = officer.get("/my/submissions").text.replace("<wbr>", "")  # a break before @ and dots
    assert "Signed in as <strong>officer@leeds.example</strong>" in bar


def test_a_link_works_once(client: TestClient, smtp: SmtpServer, officer: Person) -> None:
    link = smtp.inbox.link_to(LEEDS)
    officer.open_link(link)
    assert officer.confirm().status_code == 303
    other = Person.at(client)
    again = other.open_link(link)
    assert again.status_code == 410 and "already been used" in again.text
    assert not other.signed_in()


def test_signing_in_ends_every_other_link_sent_to_the_address(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    """The invitation (72 hours) still signed in whoever had it after its person had signed
    in with a link they asked for: a forwarded or shared mailbox's copy, and after sign-out."""
    invitation = smtp.inbox.link_to(LEEDS)
    officer.ask_for_link(LEEDS)
    officer.ask_for_link(LEEDS)
    older, newer = smtp.inbox.link_to(LEEDS, count=2), smtp.inbox.link_to(LEEDS, count=3)
    officer.open_link(newer)
    assert officer.confirm().status_code == 303
    officer.get("/my/submissions")
    officer.submit("/sign-out")
    for link in (invitation, older):
        other = Person.at(client)
        assert other.open_link(link).status_code == 410
        assert not other.signed_in()
    assert rows(client, SignInToken) == []


def test_two_presses_of_one_link_sign_in_once(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    link = smtp.inbox.link_to(LEEDS)
    other = Person.at(client)
    officer.open_link(link)
    other.open_link(link)
    assert officer.confirm().status_code == 303
    assert other.confirm().status_code == 410
    assert not other.signed_in()


def test_a_link_expires(client: TestClient, smtp: SmtpServer, officer: Person) -> None:
    assert officer.ask_for_link(LEEDS).headers["location"] == "/sign-in/check-email"
    link = smtp.inbox.link_to(LEEDS, count=2)  # the invitation came first
    assert "within 15 minutes" in smtp.inbox.to(LEEDS)[1].get_content()
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        latest = session.exec(select(SignInToken).order_by(SignInToken.id.desc())).first()  # type: ignore[union-attr]
        assert latest is not None
        lifetime = latest.expires_at - latest.created_at
        assert timedelta(minutes=14) < lifetime <= timedelta(minutes=15)
        latest.expires_at = utcnow() - timedelta(seconds=1)
        session.add(latest)
        session.commit()
    assert officer.open_link(link).status_code == 410


def test_links_and_sessions_are_stored_only_as_hashes(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    link = smtp.inbox.link_to(LEEDS)
    secret = link.split("token=")[1]
    officer.open_link(link)
    officer.confirm()
    cookie = officer.client.cookies["bf_session"]
    tokens = rows(client, SignInToken)
    sessions = rows(client, BrowserSession)
    assert all(t.token_hash != secret for t in tokens)
    assert [s.token_hash for s in sessions] == [hashlib.sha256(cookie.encode()).hexdigest()]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    gone = invite(client, "gone@york.example", "council", "City of York Council")
    app: Any = client.app
    with Session(app.state.engine) as session:
        app.state.accounts.revoke(session, None, gone.id)
    answers = []
    for email in (LEEDS, "nobody@nowhere.example", "gone@york.example"):
        person = Person.at(client)
        asked = person.ask_for_link(email)
        answers.append((asked.status_code, asked.headers["location"]))
        page = person.get(asked.headers["location"])
        assert "If the address you gave has an account" in page.text
    assert answers == [(303, "/sign-in/check-email")] * 3
    smtp.inbox.wait_for(lambda m: m["To"] == LEEDS, count=2)
    assert smtp.inbox.to("nobody@nowhere.example") == []
    assert len(smtp.inbox.to("gone@york.example")) == 1  # the invitation, before the revoke


def test_an_address_that_is_not_one_is_asked_for_again(client: TestClient) -> None:
    person = Person.at(client)
    wrong = "Enter an email address in the correct format"
    for typed, message in (("", "Enter your email address"), ("officer.leeds.example", wrong)):
        page = person.ask_for_link(typed)
        assert page.status_code == 422
        assert "There is a problem" in page.text and message in page.text
        assert 'href="#email"' in page.text and "<title>Error: Sign in" in page.text
    problem = client.post("/sign-in", data={"email": ""}, headers={"accept": "application/json"})
    assert problem.status_code == 403  # no token: refused before anything else


def test_next_takes_people_back_but_never_away(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    bounced = officer.get("/my/submissions?page=1")
    assert bounced.status_code == 303
    assert bounced.headers["location"] == "/sign-in?next=%2Fmy%2Fsubmissions%3Fpage%3D1"
    officer.get(bounced.headers["location"])
    officer.submit("/sign-in", {"email": LEEDS, "next": "/my/submissions?page=1"})
    officer.open_link(smtp.inbox.link_to(LEEDS, count=2))
    assert officer.confirm().headers["location"] == "/my/submissions?page=1"
    for hostile in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        person = Person.at(client)
        person.get("/sign-in")
        person.submit("/sign-in", {"email": LEEDS, "next": hostile})
        count = len(smtp.inbox.to(LEEDS)) + 1
        person.open_link(smtp.inbox.link_to(LEEDS, count))
        assert person.confirm().headers["location"] == "/my/submissions"


def test_a_long_address_still_leads_to_the_sign_in_form(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    """A signed-out visit to a page whose address (with its query) is over 200 characters was
    sent to /sign-in?next=… which answered 422 "Invalid request" instead of the form."""
    long = "/my/submissions?" + "&".join(f"filter{n}=something" for n in range(20))
    bounced = officer.get(long)
    assert bounced.status_code == 303
    assert bounced.headers["location"] == "/sign-in?next=%2Fmy%2Fsubmissions"  # the path alone
    for path in (bounced.headers["location"], "/sign-in?next=/" + "x" * 300):
        form = officer.get(path)
        assert form.status_code == 200 and "Sign in" in form.text
    officer.submit("/sign-in", {"email": LEEDS, "next": "/my/submissions"})
    assert officer.open_link(smtp.inbox.link_to(LEEDS, count=2)).status_code == 200
    assert officer.confirm().headers["location"] == "/my/submissions"


def test_sign_out_ends_the_session_everywhere(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    officer.sign_in(smtp, LEEDS)
    stolen = officer.client.cookies["bf_session"]
    officer.get("/my/submissions")
    out = officer.submit("/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/signed-out"
    assert 'bf_session=""' in out.headers["set-cookie"]
    assert not officer.signed_in()
    thief = Person.at(client)
    thief.client.cookies.set("bf_session", stolen)
    assert not thief.signed_in()
    assert rows(client, BrowserSession) == []


def test_sessions_end_when_idle_and_after_a_fixed_time(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    officer.sign_in(smtp, LEEDS)
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def shift(**changes: timedelta) -> None:
        with Session(engine) as session:
            for row in session.exec(select(BrowserSession)):
                for name, by in changes.items():
                    setattr(row, name, getattr(row, name) - by)
                session.add(row)
            session.commit()

    shift(last_seen_at=timedelta(minutes=59))  # idle for less than SESSION_IDLE_MINUTES
    assert officer.signed_in()
    shift(last_seen_at=timedelta(minutes=61))
    assert not officer.signed_in()
    assert rows(client, BrowserSession) == []

    officer.sign_in(smtp, LEEDS)
    shift(expires_at=timedelta(hours=12, seconds=1))  # in use all along, but its time is up
    assert not officer.signed_in()


def test_a_session_is_renewed_at_each_sign_in(
    client: TestClient, smtp: SmtpServer, officer: Person
) -> None:
    officer.sign_in(smtp, LEEDS)
    first = officer.client.cookies["bf_session"]
    officer.sign_in(smtp, LEEDS)
    assert officer.client.cookies["bf_session"] != first
    assert len(rows(client, BrowserSession)) == 1  # the old one was ended


def test_pages_for_signed_in_people_send_others_to_sign_in(client: TestClient) -> None:
    person = Person.at(client)
    for path in ("/my/submissions", "/my/submissions/1", "/people", "/people/1/revoke"):
        page = person.get(path)
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
        problem = client.get(path, headers={"accept": "application/json"})
        assert problem.status_code == 401
        assert problem.headers["content-type"] == "application/problem+json"


def test_on_https_cookies_are_secure_and_host_only(
    prepare_store: Prepare, settings: Settings, smtp: SmtpServer
) -> None:
    prepare_store(settings, sample_collection())
    secure = settings.model_copy(update={"public_url": "https://casestudies.example"})
    with TestClient(create_app(secure), base_url="https://testserver") as app_client:
        invite(app_client, LEEDS, "council", "Leeds City Council")
        person = Person.at(app_client)
        link = smtp.inbox.link_to(LEEDS)
        assert link.startswith("https://casestudies.example/sign-in/confirm?token=")
        page = person.open_link(link)
        assert "__Host-bf_csrf=" in page.headers["set-cookie"]
        done = person.confirm()
        cookie = next(c for c in done.headers.get_list("set-cookie") if "bf_session" in c)
        assert cookie.startswith("__Host-bf_session=")
        assert "secure" in cookie.lower() and "httponly" in cookie.lower()
        assert person.signed_in()
