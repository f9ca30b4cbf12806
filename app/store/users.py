"""People's accounts: invite, find, list and revoke them. Revoking one also ends its browser
sessions and unused sign-in links, in the same transaction."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.core.accounts import ACTIVE, INVITED, REVOKED, Account, in_words
from app.core.councils import same_council
from app.core.errors import Conflict
from app.store.db import take_turn
from app.store.models import BrowserSession, SignInToken, User, utcnow


def to_account(row: User) -> Account:
    assert row.id is not None
    return Account(
        id=row.id,
        email=row.email,
        role=row.role,  # type: ignore[arg-type]
        council=row.council,
        state=row.state,  # type: ignore[arg-type]
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
    )


def find_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


# Revoking reads who acts and whom, then writes: two admins revoking each other at once were
# both revoked (no one left to sign in), as was anyone revoked while their own revoke ran.
ACCOUNTS_LOCK = 0x62665F75736572  # "bf_user"


def hold_accounts(session: Session) -> None:
    """Take turns with anyone else revoking, until this transaction ends."""
    take_turn(session, ACCOUNTS_LOCK, User)


def is_active(session: Session, user_id: int) -> bool:
    """Whether the account may still act, as committed now (not as this session first read
    it when the request began)."""
    query = select(User).where(User.id == user_id).execution_options(populate_existing=True)
    row = session.exec(query).first()
    return row is not None and row.state == ACTIVE


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def list_users(session: Session) -> list[User]:
    """Everyone, those who may sign in first, then by address."""
    rows = session.exec(select(User).order_by(col(User.email)))
    return sorted(rows, key=lambda u: u.state == REVOKED)


def invite_user(
    session: Session, email: str, role: str, council: str | None, invited_by: str
) -> User:
    """A new account, invited; a revoked one is invited again with its new role. Conflict if the
    address already has an account that may sign in. Flushed, not committed: the invitation's
    mail goes in the same transaction."""
    row = find_by_email(session, email)
    if row is not None and row.state != REVOKED:
        raise Conflict(
            f"{email} already has an account as {in_words(row.role, row.council, row.state)}. To"
            " change their role, revoke their access, then invite them again."
        )
    if row is None:
        row = User(email=email, role=role, council=council, state=INVITED, invited_by=invited_by)
    else:
        row.role, row.council, row.state = role, council, INVITED
        row.invited_by, row.revoked_at = invited_by, None
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:  # invited by someone else at the same moment
        session.rollback()
        raise Conflict(f"{email} already has an account.") from error
    return row


def mark_signed_in(session: Session, row: User, at: datetime) -> None:
    """The first sign-in turns an invitation into an active account."""
    row.state = ACTIVE
    row.last_sign_in_at = at
    session.add(row)


def revoke_user(session: Session, row: User) -> User:
    """Revoke the account and end everything it could sign in with; committed."""
    assert row.id is not None
    if row.state != REVOKED:
        row.state = REVOKED
        row.revoked_at = utcnow()
        session.add(row)
    session.exec(delete(BrowserSession).where(col(BrowserSession.user_id) == row.id))
    session.exec(delete(SignInToken).where(col(SignInToken.user_id) == row.id))
    session.commit()
    session.refresh(row)
    return row


def council_users(session: Session, council: str) -> list[User]:
    """The people who may sign in for a council (invited or active), by address."""
    rows = session.exec(
        select(User).where(User.role == "council", User.state != REVOKED).order_by(col(User.email))
    )
    return [row for row in rows if row.council and same_council(row.council, council)]
