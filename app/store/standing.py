"""Whether the person or API key a request authenticated as may still act, read inside the
transaction that writes. A request authenticates first and writes later: a moderator revoked in
between still published, pinned and decided, as if the revoke had not happened. Checked here,
one revoked before the write is refused, and a revoke that comes after waits for the write."""

from sqlmodel import Session, select

from app.core.accounts import REVOKED
from app.core.errors import Forbidden
from app.core.principals import Principal
from app.store.db import hold_writes
from app.store.models import ApiKey, User

KEY_REVOKED = "This API key was revoked while the request was being handled: nothing was changed."
ACCOUNT_REVOKED = (
    "Your access was taken away while this was being done, so nothing was changed. Ask an "
    "admin if you think that is a mistake."
)


def still_acting(session: Session, principal: Principal) -> None:
    """Forbidden unless the principal's key is unrevoked, or its account unrevoked in the same
    role and council, as committed now; and so until this transaction ends, which a revoke
    waits for (PostgreSQL: the row is read FOR SHARE, which a revoke's update waits on; SQLite:
    the database's write lock). Call it in the write's transaction, before its commit."""
    if principal.user_id is not None:
        hold_writes(session, User)
        person = select(User.state, User.role, User.council).where(User.id == principal.user_id)
        found = session.exec(person.with_for_update(read=True)).first()
        # Not revoked, rather than active: a council's invited person answers "Is this still
        # current?" from the link mailed to them before they ever sign in.
        if found is None or found[0] == REVOKED or found[1:] != (principal.role, principal.council):
            raise Forbidden(ACCOUNT_REVOKED)
    elif principal.key_id is not None:
        hold_writes(session, ApiKey)
        live = select(ApiKey.id, ApiKey.revoked_at).where(ApiKey.id == principal.key_id)
        key = session.exec(live.with_for_update(read=True)).first()
        if key is None or key[1] is not None:
            raise Forbidden(KEY_REVOKED)
