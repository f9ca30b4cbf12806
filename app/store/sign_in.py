"""Emailed sign-in links and browser sessions. Both are 256 random bits given to the person
once (in a link, in a cookie); only their SHA-256 is kept, so a copy of the store signs no one in.
"""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, col, delete, select, update

from app.store.models import BrowserSession, SignInToken, User


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _plausible(secret: str) -> bool:
    return 20 <= len(secret) <= 100


def new_token(session: Session, user_id: int, expires_at: datetime) -> str:
    """Add a sign-in link's token (not committed); return its secret, which is never stored."""
    secret = secrets.token_urlsafe(32)
    session.add(SignInToken(user_id=user_id, token_hash=_hash(secret), expires_at=expires_at))
    return secret


def find_live_token(session: Session, secret: str, now: datetime) -> SignInToken | None:
    """The token if it is unused and unexpired; reading it does not use it."""
    if not _plausible(secret):
        return None
    token = session.exec(select(SignInToken).where(SignInToken.token_hash == _hash(secret))).first()
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    return token


def use_token(session: Session, secret: str, now: datetime) -> User | None:
    """Use the token once: of two requests racing with the same link, one signs in. Returns
    its user, or None if it was unknown, used or expired (nothing is committed then)."""
    token = find_live_token(session, secret, now)
    if token is None:
        return None
    # The account's row first, then its link, in the order a revoke takes them (it revokes the
    # account, then deletes its links): the other way round, a sign-in and a revoke at once
    # each held what the other wanted next, and PostgreSQL ended one of them with an error.
    account = select(User).where(User.id == token.user_id).with_for_update()
    session.exec(account.execution_options(populate_existing=True)).first()
    claimed = session.exec(
        update(SignInToken)
        .where(col(SignInToken.id) == token.id, col(SignInToken.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return None
    return session.get(User, token.user_id, populate_existing=True)  # as it is now, under the lock


def purge_tokens(session: Session, user_id: int, now: datetime) -> None:
    """Forget a user's used and expired links (not committed)."""
    session.exec(
        delete(SignInToken).where(
            col(SignInToken.user_id) == user_id,
            (col(SignInToken.expires_at) <= now) | col(SignInToken.used_at).is_not(None),
        )
    )


def forget_tokens(session: Session, user_id: int) -> None:
    """Forget every link sent to a user, used or not (not committed): once they have signed
    in, the invitation and any other link still in their mailbox (forwarded, shared) must not
    sign anyone in."""
    session.exec(delete(SignInToken).where(col(SignInToken.user_id) == user_id))


def new_session(session: Session, user_id: int, now: datetime, expires_at: datetime) -> str:
    """Add a browser session (not committed); return the cookie's secret."""
    secret = secrets.token_urlsafe(32)
    session.add(
        BrowserSession(
            user_id=user_id,
            token_hash=_hash(secret),
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    session.exec(
        delete(BrowserSession).where(
            col(BrowserSession.user_id) == user_id, col(BrowserSession.expires_at) <= now
        )
    )
    return secret


def find_session(session: Session, secret: str) -> BrowserSession | None:
    if not _plausible(secret):
        return None
    query = select(BrowserSession).where(BrowserSession.token_hash == _hash(secret))
    return session.exec(query).first()


def touch_session(session: Session, row: BrowserSession, now: datetime) -> None:
    row.last_seen_at = now
    session.add(row)
    session.commit()


def end_session(session: Session, secret: str) -> None:
    """Forget the session (signing out); committed. Unknown secrets are ignored."""
    if _plausible(secret):
        session.exec(delete(BrowserSession).where(col(BrowserSession.token_hash) == _hash(secret)))
        session.commit()
