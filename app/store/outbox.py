"""The mail outbox: messages written in the same transaction as what caused them, claimed by one
sender at a time (a lease that lapses if the sender dies), then marked sent, retried or failed.

Delivery is at least once: a sender that dies after the SMTP server took a message but before
marking it sent leaves it to be sent again when its lease lapses. A message's body (which may
hold a sign-in link) and headers are blanked once it is sent or given up on, and the rows
themselves (an address each) are deleted after KEEP.
"""

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, func, select, update

from app.store.models import OutboxMessage

# A request for a link, kept as typed until the sender turns it into the link's message or
# drops it (services/mail.py): a request is then the same write whoever typed the address.
REQUEST = "request:"
LEASE = timedelta(minutes=2)  # far longer than one SMTP conversation
KEEP = timedelta(days=30)  # how long operators can see what was sent or given up on


def add_message(
    session: Session,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue a message in the caller's transaction (not committed)."""
    session.add(
        OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body, headers=headers)
    )


def _pending() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None)


def claim_due(
    session: Session, now: datetime, limit: int = 20, requests: Collection[str] = ()
) -> list[OutboxMessage]:
    """Claim up to `limit` messages that are due and not claimed by a live sender; committed.
    Each claim counts as an attempt. Requests (kinds starting REQUEST) only of the kinds named:
    a sender that cannot prepare one must never send it as it is."""
    free = col(OutboxMessage.claimed_until).is_(None) | (col(OutboxMessage.claimed_until) < now)
    kind = col(OutboxMessage.kind)
    ours = kind.not_like(f"{REQUEST}%") | kind.in_(list(requests))
    due = select(col(OutboxMessage.id)).where(
        *_pending(), col(OutboxMessage.next_attempt_at) <= now, free, ours
    )
    claimed: list[int] = []
    for message_id in session.exec(due.order_by(col(OutboxMessage.id)).limit(limit)).all():
        won = session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, free, *_pending())
            .values(claimed_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
        )
        if won.rowcount == 1 and message_id is not None:
            claimed.append(message_id)
    session.commit()
    rows = select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed))
    return list(session.exec(rows.order_by(col(OutboxMessage.id))))


def fill(
    session: Session, message: OutboxMessage, kind: str, recipient: str, subject: str, body: str
) -> None:
    """Turn a request into the message it asked for (not committed)."""
    message.kind, message.recipient, message.subject, message.body = kind, recipient, subject, body
    session.add(message)


def drop(session: Session, message: OutboxMessage) -> None:
    """Forget a request that asks for nothing to be sent, and the address typed (not committed)."""
    session.delete(message)


def mark_sent(session: Session, message: OutboxMessage, now: datetime) -> None:
    message.sent_at, message.claimed_until, message.last_error = now, None, None
    message.body, message.headers = "", None
    session.add(message)
    session.commit()


def mark_retry(session: Session, message: OutboxMessage, at: datetime, error: str) -> None:
    message.next_attempt_at, message.claimed_until = at, None
    message.last_error = error[:500]
    session.add(message)
    session.commit()


def mark_failed(session: Session, message: OutboxMessage, now: datetime, error: str) -> None:
    message.failed_at, message.claimed_until = now, None
    message.last_error = error[:500]
    message.body, message.headers = "", None
    if message.kind.startswith(REQUEST):  # an address typed, perhaps nobody's: not kept
        message.recipient = ""
    session.add(message)
    session.commit()


def purge(session: Session, now: datetime) -> int:
    """Delete messages sent or given up on more than KEEP ago; committed."""
    before = now - KEEP
    done = session.exec(
        delete(OutboxMessage).where(
            (col(OutboxMessage.sent_at) < before) | (col(OutboxMessage.failed_at) < before)
        )
    )
    session.commit()
    return int(done.rowcount)


def counts(session: Session) -> dict[str, int]:
    """How many messages are waiting (to be sent or retried) and how many were given up on."""
    waiting = select(func.count()).where(*_pending())
    failed = select(func.count()).where(col(OutboxMessage.failed_at).is_not(None))
    return {
        "waiting": int(session.exec(waiting.select_from(OutboxMessage)).one()),
        "failed": int(session.exec(failed.select_from(OutboxMessage)).one()),
    }


def find_message(session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)
