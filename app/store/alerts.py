"""Email alerts for a search: the subscriptions, their send ledger, and forgetting an address.

Functions that write do not commit unless they say so: the caller's use case owns the
transaction, so an alert's email, its ledger row and its new position land together.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, delete, func, select, update

from app.store.alert_tables import Alert, AlertSending
from app.store.models import OutboxMessage

MAIL_KINDS = ("alert-confirm", "alert", "alert-manage")  # the outbox kinds that carry alerts
PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
EARLY = timedelta(minutes=5)  # a daily run may come a little before the same time tomorrow


def add_alert(
    session: Session, email: str, address_key: str, search: dict[str, Any], frequency: str
) -> Alert:
    """Add an unconfirmed alert (flushed for its id, not committed)."""
    alert = Alert(email=email, address_key=address_key, search=search, frequency=frequency)
    session.add(alert)
    session.flush()
    return alert


def find_alert(session: Session, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id)


def confirm_alert(session: Session, alert: Alert, now: datetime, position: int) -> None:
    """Confirm an alert from this change-log position on, replacing any confirmed alert of the
    same address for the same search (its frequency is the new one's). Not committed."""
    for same in alerts_for_address(session, alert.address_key):
        if same.id != alert.id and same.confirmed_at is not None and same.search == alert.search:
            session.delete(same)
    alert.confirmed_at, alert.last_change_id, alert.checked_at = now, position, now
    session.add(alert)


def alerts_for_address(session: Session, address_key: str) -> list[Alert]:
    query = select(Alert).where(col(Alert.address_key) == address_key)
    return list(session.exec(query.order_by(col(Alert.id))))


def count_for_address(session: Session, address_key: str) -> int:
    query = select(func.count()).select_from(Alert).where(col(Alert.address_key) == address_key)
    return int(session.exec(query).one())


def delete_alert(session: Session, alert: Alert) -> None:
    """Delete an alert and its ledger; with its address's last alert goes every alert email
    to that address still in the outbox (sent or not). Committed."""
    email, address_key = alert.email, alert.address_key
    session.delete(alert)
    session.flush()
    if count_for_address(session, address_key) == 0:
        forget_mail(session, email)
    session.commit()


def forget_mail(session: Session, email: str) -> None:
    """Delete the alert emails to an address that no sender holds (not committed)."""
    session.exec(
        delete(OutboxMessage).where(
            col(OutboxMessage.recipient) == email,
            col(OutboxMessage.kind).in_(MAIL_KINDS),
            col(OutboxMessage.claimed_until).is_(None),
        )
    )


def purge_unconfirmed(session: Session, before: datetime) -> int:
    """Delete alerts asked for before `before` and never confirmed, and their addresses'
    pending alert mail where nothing else is kept for them; committed."""
    stale = list(
        session.exec(
            select(Alert).where(col(Alert.confirmed_at).is_(None), col(Alert.created_at) < before)
        )
    )
    for alert in stale:
        session.delete(alert)
    session.flush()
    for email, key in {(a.email, a.address_key) for a in stale}:
        if count_for_address(session, key) == 0:
            forget_mail(session, email)
    session.commit()
    return len(stale)


def _due(now: datetime) -> ColumnElement[bool]:
    due = col(Alert.frequency) == "immediate"
    for frequency, period in PERIODS.items():
        due |= (col(Alert.frequency) == frequency) & (
            col(Alert.checked_at).is_(None) | (col(Alert.checked_at) <= now - period + EARLY)
        )
    return due


def due_alerts(session: Session, now: datetime, before_position: int) -> list[int]:
    """The ids of confirmed alerts due a check whose position is behind `before_position`."""
    query = select(col(Alert.id)).where(
        col(Alert.confirmed_at).is_not(None),
        col(Alert.last_change_id) < before_position,
        _due(now),
    )
    return [i for i in session.exec(query.order_by(col(Alert.id))) if i is not None]


def move_alert(
    session: Session, alert: Alert, position: int, now: datetime, sent: list[str]
) -> bool:
    """Move an alert on to `position`, with a ledger row for what it is sent (`sent`, slugs),
    unless another process moved it first (then False, and nothing is written). Not committed:
    the caller queues the email in the same transaction."""
    moved = session.exec(
        update(Alert)
        .where(col(Alert.id) == alert.id, col(Alert.last_change_id) == alert.last_change_id)
        .values(
            last_change_id=position,
            checked_at=now,
            **({"last_sent_at": now} if sent else {}),
        )
    )
    if moved.rowcount != 1:
        session.rollback()
        return False
    if sent and alert.id is not None:
        session.add(
            AlertSending(alert_id=alert.id, at=now, up_to_change_id=position, case_studies=sent)
        )
    return True


def confirmed_before(session: Session, before: datetime) -> list[Alert]:
    """Confirmed alerts confirmed (or last kept) before `before`."""
    query = select(Alert).where(col(Alert.confirmed_at) < before)
    return list(session.exec(query.order_by(col(Alert.id))))


def keep_alert(session: Session, alert: Alert, now: datetime) -> bool:
    """Count a confirmed alert as confirmed again now (so it is kept on); False if it was
    deleted meanwhile (it lapsed, or was stopped). Committed."""
    kept = session.exec(
        update(Alert)
        .where(col(Alert.id) == alert.id, col(Alert.confirmed_at).is_not(None))
        .values(confirmed_at=now)
    )
    session.commit()
    if kept.rowcount != 1:
        return False
    session.refresh(alert)
    return True


def set_frequency(
    session: Session, alert: Alert, frequency: str, checked_at: datetime | None = None
) -> bool:
    """Change how often an alert is sent (and, when given, when it was last checked); False if
    it was deleted meanwhile. Only these columns are written, so a send that moves the alert on
    at the same time loses nothing. Committed."""
    values: dict[str, Any] = {"frequency": frequency}
    if checked_at is not None:
        values["checked_at"] = checked_at
    changed = session.exec(update(Alert).where(col(Alert.id) == alert.id).values(**values))
    session.commit()
    if changed.rowcount != 1:
        return False
    session.refresh(alert)
    return True


def note_reminder(session: Session, alert: Alert, since: datetime, now: datetime) -> bool:
    """Record a reminder email for an alert sent nothing since `since` and not kept meanwhile
    (a compare-and-set, so two processes never both send it); False, and nothing written,
    otherwise. Not committed: the caller queues the email in the same transaction."""
    noted = session.exec(
        update(Alert)
        .where(
            col(Alert.id) == alert.id,
            col(Alert.confirmed_at) == alert.confirmed_at,
            col(Alert.last_sent_at).is_(None) | (col(Alert.last_sent_at) < since),
        )
        .values(last_sent_at=now)
    )
    if noted.rowcount != 1 or alert.id is None:
        session.rollback()
        return False
    session.add(AlertSending(alert_id=alert.id, at=now, up_to_change_id=alert.last_change_id))
    return True


def delete_lapsed(session: Session, alert: Alert) -> bool:
    """Delete an alert unless it was kept since it was read (then False); with its address's
    last alert go that address's alert emails, as for unsubscribing. Committed."""
    deleted = session.exec(
        delete(Alert).where(
            col(Alert.id) == alert.id, col(Alert.confirmed_at) == alert.confirmed_at
        )
    )
    if deleted.rowcount != 1:
        session.rollback()
        return False
    if count_for_address(session, alert.address_key) == 0:
        forget_mail(session, alert.email)
    session.commit()
    return True


def ledger(session: Session, alert_id: int) -> list[AlertSending]:
    query = select(AlertSending).where(col(AlertSending.alert_id) == alert_id)
    return list(session.exec(query.order_by(col(AlertSending.id))))
