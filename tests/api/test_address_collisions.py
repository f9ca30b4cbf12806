"""Addresses that case-folding made one: "Straße@" and "STRASSE@" were stored alike, so the
holder of one address was sent sign-in links for the other's account. An address now equals
only itself with its case set aside one letter for one ("A" and "a", "É" and "é"), and a link
goes only to the address the account holds. Through HTTP, with the mail through a real SMTP
server that takes internationalised addresses (SMTPUTF8)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.smtp import SmtpServer, smtp_server
from tests.api.alerting import SAME_SITE, ask, confirm, mail_to
from tests.api.browsing import Person, invite, mailing

LEEDS = "Leeds City Council"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server(enable_SMTPUTF8=True) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def signs_in(client: TestClient, smtp: SmtpServer, typed: str, delivered_to: str) -> Person:
    person = Person.at(client)
    count = len(smtp.inbox.to(delivered_to)) + 1
    assert person.ask_for_link(typed).status_code == 303
    person.open_link(smtp.inbox.link_to(delivered_to, count))
    assert person.confirm().status_code == 303
    return person


def test_the_holder_of_a_look_alike_address_gets_no_link_to_anothers_account(
    client: TestClient, smtp: SmtpServer
) -> None:
    invited = invite(client, "Straße@example.com", "council", LEEDS)
    assert invited.email == "straße@example.com"
    smtp.inbox.wait_for(lambda m: m["To"] == "straße@example.com")  # the invitation

    for typed in ("strasse@example.com", "STRASSE@example.com", "ſtraße@example.com"):
        asked = Person.at(client).ask_for_link(typed)
        assert (asked.status_code, asked.headers["location"]) == (303, "/sign-in/check-email")
    owner = signs_in(client, smtp, "STRAßE@EXAMPLE.COM", "straße@example.com")
    bar = owner.get("/my/submissions").text.replace("<wbr>", "")
    assert "Signed in as <strong>straße@example.com</strong>" in bar
    # The owner's link came after the three asked for above, on the one sender: none was sent.
    assert smtp.inbox.to("strasse@example.com") == []
    assert smtp.inbox.to("ſtraße@example.com") == []


def test_addresses_differing_by_sharp_s_or_in_the_domain_are_two_accounts(
    client: TestClient, smtp: SmtpServer
) -> None:
    pairs = [
        ("straße@example.com", "strasse@example.com"),
        ("office@straße.example", "office@strasse.example"),
    ]
    for one, other in pairs:
        invite(client, one, "council", LEEDS)
        invite(client, other, "council", "City of York Council")  # a Conflict before
        for address in (one, other):
            smtp.inbox.wait_for(lambda m, a=address: m["To"] == a)
            person = signs_in(client, smtp, address, address)
            bar = person.get("/my/submissions").text.replace("<wbr>", "")
            assert f"Signed in as <strong>{address}</strong>" in bar


def test_case_still_does_not_matter_one_letter_for_one(
    client: TestClient, smtp: SmtpServer
) -> None:
    """Accounts made before keep working: ASCII (and accented capitals) in any case."""
    for address, typed in (
        ("jo.bloggs@leeds.example", "Jo.Bloggs@LEEDS.Example"),
        ("émile@leeds.example", "ÉMILE@leeds.example"),
    ):
        invite(client, typed, "council", LEEDS)
        smtp.inbox.wait_for(lambda m, a=address: m["To"] == a)
        person = signs_in(client, smtp, address.upper(), address)
        assert person.signed_in()


def test_an_address_mixing_alphabets_is_not_invited(client: TestClient, smtp: SmtpServer) -> None:
    """ "jо@" with a Cyrillic "о" would sit on the People page as a colleague's "jo@"."""
    invite(client, "admin@campaign.example", "admin")
    admin = signs_in(client, smtp, "admin@campaign.example", "admin@campaign.example")
    admin.get("/people")
    refused = admin.submit("/people", {"email": "j\u043e@campaign.example", "role": "moderator"})
    assert refused.status_code == 422
    assert "Check the email address: “jо” mixes Cyrillic and Latin letters" in refused.text
    assert 'href="#email"' in refused.text
    welsh = admin.submit("/people", {"email": "siân@cymru.example", "role": "moderator"})
    assert welsh.status_code == 303


def test_a_manage_link_goes_only_to_the_alerts_own_address(
    client: TestClient, smtp: SmtpServer
) -> None:
    """The manage page lists an address's alerts (the searches it follows) and stops them."""
    assert ask(client, "straße@example.com", "daily").status_code == 202
    confirm(client, smtp, "straße@example.com")
    for typed in ("strasse@example.com", "STRAßE@example.com"):
        asked = client.post("/alerts/manage-link", data={"email": typed}, headers=SAME_SITE)
        assert asked.status_code == 200
    mail_to(smtp, "straße@example.com", "Your email alerts")
    assert smtp.inbox.to("strasse@example.com") == []
