"""People's accounts: invite and revoke them, send sign-in links, turn a used link into a browser
session and a session back into its account.

A link is asked for with an address; whether or not the address has an account, the answer is
the same and so is the work done before it (the request is queued, and the mail sender looks
the address up), and only an account that may sign in gets mail. Links and sessions are random
secrets given out once and stored hashed (`store.sign_in`). A session ends when it has been idle for
SESSION_IDLE_MINUTES, SESSION_MAX_HOURS after sign-in whatever happens, at sign-out, or when the
account is revoked.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from app.config import Settings
from app.core.accounts import ACTIVE, REVOKED, Account, check_invitation, normalise_email
from app.core.errors import Forbidden, Invalid, NotFound
from app.services import letters, mail
from app.services.throttle import SignInThrottle
from app.store import sign_in, users
from app.store.db import Session
from app.store.models import OutboxMessage, utcnow
from app.store.standing import still_acting

CONFIRM_PATH = "/sign-in/confirm"  # the page a link opens (app/web/pages/accounts.py)
COMMAND_LINE = "operator (command line)"
TOUCH_EVERY = timedelta(seconds=60)  # a session's last_seen_at is written at most this often
LINK_REQUEST = mail.REQUEST + "sign-in"  # what request_link queues for prepare_link
LINK_USED = "This sign-in link has expired or has already been used."


MAX_NEXT = 200  # characters of the address to go back to after signing in


def local_path(path: str | None) -> str | None:
    """The path if it is one of ours ('/my/submissions'), so that it is safe to go to after
    signing in; None for anything that could lead elsewhere ('//evil.example', 'https:…')."""
    if not path or len(path) > MAX_NEXT or not path.startswith("/") or path.startswith("//"):
        return None
    return None if "\\" in path or any(c < " " for c in path) else path


@dataclass(frozen=True)
class SignedIn:
    """A new browser session: the account, the cookie's secret and when it ends at the latest."""

    account: Account
    secret: str
    expires_at: datetime


class AccountService:
    def __init__(self, settings: Settings, wake: Callable[[], None] = lambda: None) -> None:
        self.base = settings.link_base
        self.link_minutes = settings.sign_in_link_minutes
        self.invitation_hours = settings.invitation_link_hours
        self.idle = timedelta(minutes=settings.session_idle_minutes)
        self.longest = timedelta(hours=settings.session_max_hours)
        self.throttle = SignInThrottle(settings)
        self.wake = wake  # tells the mail sender something was queued

    def _link(self, secret: str, next_path: str | None = None) -> str:
        query = {"token": secret, **({"next": next_path} if next_path else {})}
        return f"{self.base}{CONFIRM_PATH}?{urlencode(query)}"

    # -- managing people ---------------------------------------------------------------------

    def invite(
        self,
        session: Session,
        actor: Account | None,
        email: str | None,
        role: str | None,
        council: str | None,
    ) -> Account:
        """Make an account (actor None: the operator's command line) and mail it a first
        sign-in link. Invalid for bad fields, Forbidden for a role the actor may not give,
        Conflict if the address already has an account."""
        address, checked_role, checked_council = check_invitation(email, role, council)
        if actor is not None and not actor.may_invite(checked_role):
            raise Forbidden(f"A {actor.role} may not invite {checked_role}s.")
        by = actor.principal.name if actor else COMMAND_LINE
        if actor is not None:
            still_acting(session, actor.principal)
        row = users.invite_user(session, address, checked_role, checked_council, by)
        assert row.id is not None
        hours = self.invitation_hours
        secret = sign_in.new_token(session, row.id, utcnow() + timedelta(hours=hours))
        subject, body = letters.invitation(
            self._link(secret), checked_role, checked_council, hours, self.base
        )
        mail.queue(session, "invitation", row.email, subject, body)  # as stored: the account's
        session.commit()
        self.wake()
        return users.to_account(row)

    def list_accounts(self, session: Session) -> list[Account]:
        return [users.to_account(row) for row in users.list_users(session)]

    def get(self, session: Session, account_id: int) -> Account:
        row = users.find_user(session, account_id)
        if row is None:
            raise NotFound(f"No account {account_id}.")
        return users.to_account(row)

    def find_by_email(self, session: Session, email: str) -> Account | None:
        row = users.find_by_email(session, normalise_email(email))
        return users.to_account(row) if row else None

    def revoke(self, session: Session, actor: Account | None, account_id: int) -> Account:
        """Revoke an account and end its sessions and links. A moderator may not revoke an
        admin, and nobody revokes themselves (so there is always someone left to sign in); one
        at a time, by someone whose own account is still live when their turn comes."""
        users.hold_accounts(session)
        if actor is not None and not users.is_active(session, actor.id):
            raise Forbidden(
                "Your account was revoked just now, so you can no longer revoke others."
            )
        row = users.find_user(session, account_id)
        if row is None:
            raise NotFound(f"No account {account_id}.")
        if actor is not None and actor.id == row.id:
            raise Forbidden("You cannot revoke your own account; ask another admin.")
        if actor is not None and not actor.may_invite(row.role):
            raise Forbidden(f"A {actor.role} may not revoke an {row.role}'s account.")
        return users.to_account(users.revoke_user(session, row))

    # -- signing in ----------------------------------------------------------------------------

    def request_link(
        self, session: Session, email: str | None, client: str, next_path: str | None = None
    ) -> None:
        """Queue a request for a sign-in link, the same for any address: whether it has an
        account is looked up by the mail sender (`prepare_link`), off the request, so that
        neither the answer nor its time says. Invalid for an address that is not one; TooMany
        past the limits."""
        address = normalise_email(email)
        self.throttle.hit(address, client)
        mail.request(session, LINK_REQUEST, address, local_path(next_path) or "")
        session.commit()
        self.wake()

    def prepare_link(self, session: Session, request: OutboxMessage) -> bool:
        """The mail sender's part of `request_link`: a link for an account that may sign in,
        nothing for any other address (the request, and the address typed, forgotten)."""
        row = users.find_by_email(session, request.recipient)
        if row is None or row.state == REVOKED:
            mail.drop(session, request)
            return False
        assert row.id is not None
        now = utcnow()
        sign_in.purge_tokens(session, row.id, now)
        secret = sign_in.new_token(session, row.id, now + timedelta(minutes=self.link_minutes))
        subject, body = letters.sign_in(
            self._link(secret, local_path(request.body)), self.link_minutes
        )
        # To the address the account holds, never to the one typed: only the account's own
        # mailbox ever gets a link that signs in as it.
        mail.fill(session, request, "sign-in", row.email, subject, body)
        return True

    def link_works(self, session: Session, secret: str) -> bool:
        """Whether the link would sign someone in now (without using it)."""
        return sign_in.find_live_token(session, secret, utcnow()) is not None

    def sign_in(self, session: Session, secret: str) -> SignedIn:
        """Use the link (once) and start a browser session; Invalid if it does not work."""
        now = utcnow()
        row = sign_in.use_token(session, secret, now)
        if row is None or row.state == REVOKED or row.id is None:
            session.rollback()
            raise Invalid(LINK_USED)
        users.mark_signed_in(session, row, now)
        sign_in.forget_tokens(session, row.id)  # the invitation and other links end with it
        expires = now + self.longest
        cookie = sign_in.new_session(session, row.id, now, expires)
        session.commit()
        session.refresh(row)
        return SignedIn(users.to_account(row), cookie, expires)

    def resume(self, session: Session, secret: str) -> Account | None:
        """The account a session cookie belongs to, if the session is still open."""
        found = sign_in.find_session(session, secret)
        if found is None:
            return None
        now = utcnow()
        if now >= found.expires_at or now - found.last_seen_at >= self.idle:
            sign_in.end_session(session, secret)
            return None
        row = users.find_user(session, found.user_id)
        if row is None or row.state != ACTIVE:
            return None
        if now - found.last_seen_at >= TOUCH_EVERY:
            sign_in.touch_session(session, found, now)
        return users.to_account(row)

    def sign_out(self, session: Session, secret: str) -> None:
        sign_in.end_session(session, secret)
