"""API keys: made on the operator's command line, shown once, stored as a hash.

A key looks like `bf_<43 url-safe characters>`; only its SHA-256 is kept, with its first
characters as a prefix so an operator can tell keys apart in `indexer keys list`.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, select

from app.core.principals import ROLES, Principal, Role
from app.store.models import ApiKey, utcnow

PREFIX = "bf_"
# last_used_at is written at most this often per key, so reading does not mean writing each time.
TOUCH_EVERY = timedelta(seconds=60)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, role: Role, council: str | None = None, label: str | None = None
) -> tuple[ApiKey, str]:
    """Create a key; return the row and the secret, which is never stored or shown again."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if role == "council" and not (council and council.strip()):
        raise ValueError("a council key needs --council, the council's name")
    if role != "council" and council:
        raise ValueError("only council keys belong to a council")
    secret = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        prefix=secret[:10],
        secret_hash=hash_secret(secret),
        role=role,
        council=" ".join(council.split()) if council else None,
        label=label,
    )
    session.add(key)
    session.commit()
    session.refresh(key)
    return key, secret


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal for a live key, or None; notes when the key was last used."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret))).first()
    if key is None or key.revoked_at is not None or key.id is None:
        return None
    now = utcnow()
    last = key.last_used_at
    if last is None or now - last.replace(tzinfo=now.tzinfo) > TOUCH_EVERY:
        key.last_used_at = now
        session.add(key)
        session.commit()
    return Principal(key.id, key.role, key.council, key.label)  # type: ignore[arg-type]


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


def revoke_key(session: Session, key_id: int) -> ApiKey | None:
    key = session.get(ApiKey, key_id)
    if key is None:
        return None
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.commit()
        session.refresh(key)
    return key
