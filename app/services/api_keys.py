"""API keys for moderators in the browser: list them (never their secrets) and revoke one.
Keys are still made on the operator's command line, where the secret is shown once."""

import logging

from app.core.api_keys import KeySummary
from app.core.errors import Forbidden, NotFound
from app.core.principals import Principal
from app.store import keys as store
from app.store.db import Session
from app.store.models import ApiKey
from app.store.standing import still_acting

log = logging.getLogger(__name__)


def _summary(key: ApiKey) -> KeySummary:
    assert key.id is not None
    return KeySummary(
        id=key.id,
        prefix=key.prefix,
        role=key.role,
        council=key.council,
        label=key.label,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


def _moderator(principal: Principal) -> None:
    if not principal.moderates:
        raise Forbidden("Only moderators and admins see and revoke API keys.")


def list_keys(session: Session, principal: Principal) -> list[KeySummary]:
    """Every key, live ones first, newest first within each."""
    _moderator(principal)
    found = [_summary(k) for k in store.list_keys(session)]
    return sorted(found, key=lambda k: (k.revoked, -k.id))


def get_key(session: Session, principal: Principal, key_id: int) -> KeySummary:
    _moderator(principal)
    found = next((k for k in store.list_keys(session) if k.id == key_id), None)
    if found is None:
        raise NotFound(f"There is no API key number {key_id}.")
    return _summary(found)


def may_revoke(principal: Principal, key: KeySummary) -> bool:
    """As with accounts, a moderator may not revoke an admin's key; an admin any key."""
    return principal.moderates and (key.role != "admin" or principal.role == "admin")


def key_to_revoke(session: Session, principal: Principal, key_id: int) -> KeySummary:
    """The key, if this principal may revoke it: Forbidden for a moderator and an admin's key."""
    key = get_key(session, principal, key_id)
    if not may_revoke(principal, key):
        raise Forbidden(
            "A moderator may not revoke an admin's key: ask an admin, or the operator "
            f"(python -m indexer keys revoke {key_id})."
        )
    return key


def revoke_key(session: Session, principal: Principal, key_id: int) -> KeySummary:
    """Stop a key at once (again: no change); NotFound for an unknown number, Forbidden for a
    moderator and an admin's key."""
    key_to_revoke(session, principal, key_id)
    still_acting(session, principal)
    key = store.revoke_key(session, key_id)
    if key is None:
        raise NotFound(f"There is no API key number {key_id}.")
    log.info("API key %s revoked by %s", key_id, principal.name)
    return _summary(key)
