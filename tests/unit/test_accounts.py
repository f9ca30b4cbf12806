"""Accounts without a web server: addresses and invitations checked in GOV.UK's words, where a
link may lead after signing in, the mail settings, and `indexer users` as an operator runs it."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.config import Settings
from app.core.accounts import Account, check_invitation, normalise_email
from app.core.errors import Invalid
from app.services.accounts import local_path
from indexer.cli import cli
from testkit.smtp import link_in


def test_addresses_are_checked_and_stored_in_one_case() -> None:
    assert normalise_email("  Jo.Bloggs@Leeds.GOV.uk ") == "jo.bloggs@leeds.gov.uk"
    for typed, message in (
        ("", "Enter your email address"),
        ("jo.bloggs", "Enter an email address in the correct format, like name@example.com"),
        ("jo@", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 250 + "@x.org", "Email address must be 254 characters or fewer"),
    ):
        with pytest.raises(Invalid) as caught:
            normalise_email(typed)
        assert caught.value.detail == message
        assert caught.value.errors == [{"detail": message, "pointer": "#/email"}]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Straße@Example.COM", "straße@example.com"),
        ("STRASSE@example.com", "strasse@example.com"),
        ("ſam@example.com", "ſam@example.com"),  # a long s is not an s
        ("ÉMILE@example.com", "émile@example.com"),  # a capital and its small letter are one
        ("ΣΟΦΙΑ@example.com", "σοφια@example.com"),
        ("ẞ@example.com", "ẞ@example.com"),  # capital sharp s: its small "ß" is "SS" upper-cased
        ("office@STRASSE.example", "office@strasse.example"),
        ("office@straße.example", "office@straße.example"),  # not strasse.example: another domain
    ],
)
def test_case_is_set_aside_one_letter_for_one_never_merging_two(typed: str, stored: str) -> None:
    """casefold() stored "Straße@" as "strasse@", another person's address."""
    assert normalise_email(typed) == stored


def test_an_invitation_lists_every_problem() -> None:
    with pytest.raises(Invalid) as caught:
        check_invitation("", "chief", None)
    assert [e["pointer"] for e in caught.value.errors or []] == ["#/email", "#/role"]
    with pytest.raises(Invalid, match="Enter the council's name"):
        check_invitation("jo@leeds.example", "council", "  ")
    assert check_invitation("Jo@Leeds.example", "council", " Leeds  City Council ") == (
        "jo@leeds.example",
        "council",
        "Leeds City Council",
    )
    assert check_invitation("mo@campaign.example", "moderator", "Leeds") == (
        "mo@campaign.example",
        "moderator",
        None,
    )


def test_who_may_invite_whom() -> None:
    def account(role: str) -> Account:
        return Account(1, "x@example.org", role, None, "active", None)  # type: ignore[arg-type]

    assert [r for r in ("council", "moderator", "admin") if account("moderator").may_invite(r)] == [
        "council",
        "moderator",
    ]
    assert account("admin").may_invite("admin")
    assert not account("council").may_invite("council")
    officer = Account(7, "jo@leeds.example", "council", "Leeds City Council", "active", None)  # type: ignore[arg-type]
    assert officer.principal.name == "Leeds City Council (council user 7)"  # never the address
    assert officer.principal.owns("leeds city council")


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/my/submissions?page=2", True),
        ("/people", True),
        ("//evil.example/", False),
        ("https://evil.example/", False),
        ("/\\evil.example", False),
        ("evil", False),
        ("/x\n", False),
        (None, False),
    ],
)
def test_only_our_own_pages_are_somewhere_to_go_after_signing_in(
    path: str | None, kept: bool
) -> None:
    assert local_path(path) == (path if kept else None)


def test_mail_settings_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="SMTP_URL must look like smtp://"):
        Settings(smtp_url="mail.example.org:587", public_url="https://x.example")
    with pytest.raises(ValueError, match="set PUBLIC_URL"):
        Settings(smtp_url="smtp://mail.example.org:587")
    with pytest.raises(ValueError, match="is not a sender"):
        Settings(mail_from="nobody")
    assert Settings(public_url="https://x.example/").link_base == "https://x.example"
    assert Settings().link_base == "http://127.0.0.1:8000"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("COLUMNS", "200")  # tables as wide as an operator's terminal
    return CliRunner()


def test_users_invite_list_and_revoke(run: CliRunner, tmp_path: Path) -> None:
    invited = run.invoke(
        cli, ["users", "invite", "Jo@Leeds.example", "--role", "council", "--council", "Leeds"]
    )
    assert invited.exit_code == 0, invited.output
    assert "Invited jo@leeds.example (council, Leeds) as account 1." in invited.output
    eml = tmp_path / "outbox" / "000001-invitation.eml"
    assert f"Mail delivered: {eml}" in invited.output
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["To"] == "jo@leeds.example"
    assert link_in(mail).startswith("http://127.0.0.1:8000/sign-in/confirm?token=")  # type: ignore[arg-type]

    again = run.invoke(cli, ["users", "invite", "jo@leeds.example", "--role", "moderator"])
    assert again.exit_code == 1 and "already has an account" in again.output
    wrong = run.invoke(cli, ["users", "invite", "jo", "--role", "council"])
    assert wrong.exit_code == 2
    assert "Enter an email address in the correct format" in wrong.output

    listed = run.invoke(cli, ["users", "list"])
    assert listed.exit_code == 0
    assert "jo@leeds.example" in listed.output and "invited" in listed.output

    revoked = run.invoke(cli, ["users", "revoke", "jo@leeds.example"])
    assert revoked.exit_code == 0 and "can no longer sign in" in revoked.output
    assert "revoked" in run.invoke(cli, ["users", "list"]).output
    assert run.invoke(cli, ["users", "revoke", "42"]).exit_code == 1
    back = run.invoke(cli, ["users", "invite", "jo@leeds.example", "--role", "moderator"])
    assert back.exit_code == 0  # a revoked account may be invited again
