"""The "Is this still current?" reminders: which published case studies are due one, who
receives it, the one reminder per case study and period (a unique row, so two processes never
send the same), each recipient's link (only its SHA-256 kept), the answer, and the stale list.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, and_, col, func, or_, select, update

from app.core.accounts import REVOKED
from app.core.names import normal_name
from app.store.case_studies import PUBLISHED
from app.store.models import CaseStudy, User
from app.store.review_tables import ReviewLink, ReviewReminder


@dataclass(frozen=True)
class Published:
    """What deciding whether a reminder is due needs of a published case study."""

    id: int
    last_reviewed: str | None
    added: date


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def list_published(session: Session) -> list[Published]:
    query = select(CaseStudy.id, CaseStudy.last_reviewed, CaseStudy.created_at).where(
        CaseStudy.status == PUBLISHED
    )
    return [Published(i or 0, reviewed, added.date()) for i, reviewed, added in session.exec(query)]


def reminded(session: Session) -> set[tuple[int, date]]:
    """Every (case study id, period) a reminder was sent for."""
    query = select(col(ReviewReminder.case_study_id), col(ReviewReminder.due_on))
    return {(i, due) for i, due in session.exec(query)}


def recipients(session: Session, owner: str | None) -> list[User]:
    """Who is asked: the owning council's people, or the moderators for the bundled
    collection (which has no owner); never anyone whose account was revoked."""
    query = select(User).where(User.state != REVOKED).order_by(col(User.id))
    if owner is None:
        query = query.where(User.role == "moderator")
    else:
        query = query.where(User.role == "council")
        return [
            u for u in session.exec(query) if normal_name(u.council or "") == normal_name(owner)
        ]
    return list(session.exec(query))


def claim_reminder(session: Session, case_study_id: int, due_on: date) -> ReviewReminder | None:
    """Add this period's reminder (not committed); None, rolled back, if another process has
    already added it."""
    reminder = ReviewReminder(case_study_id=case_study_id, due_on=due_on)
    session.add(reminder)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return None
    return reminder


def new_link(session: Session, reminder_id: int, user_id: int, expires_at: datetime) -> str:
    """Add a recipient's link (not committed); return its secret, which is never stored."""
    secret = secrets.token_urlsafe(32)
    session.add(
        ReviewLink(
            reminder_id=reminder_id,
            user_id=user_id,
            token_hash=_hash(secret),
            expires_at=expires_at,
        )
    )
    return secret


def find_link(
    session: Session, secret: str, now: datetime
) -> tuple[ReviewLink, ReviewReminder] | None:
    """The link and its reminder if the link is known and unexpired (answered or not)."""
    if not 20 <= len(secret) <= 100:
        return None
    query = (
        select(ReviewLink, ReviewReminder)
        .join(ReviewReminder, col(ReviewReminder.id) == col(ReviewLink.reminder_id))
        .where(ReviewLink.token_hash == _hash(secret))
    )
    found = session.exec(query).first()
    if found is None or found[0].expires_at <= now:
        return None
    return found[0], found[1]


def answer(session: Session, reminder: ReviewReminder, what: str, now: datetime) -> bool:
    """Record the answer (not committed) unless one was given first; False if it was."""
    done = session.exec(
        update(ReviewReminder)
        .where(col(ReviewReminder.id) == reminder.id, col(ReviewReminder.answer).is_(None))
        .values(answer=what, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    set_committed_value(reminder, "answer", what)  # already written: not dirty
    set_committed_value(reminder, "answered_at", now)
    return True


def list_stale(
    session: Session, checked_by: date, offset: int = 0, limit: int | None = None
) -> tuple[int, list[CaseStudy]]:
    """How many published case studies were last checked on or before a day (or never known
    to be), and those from offset (limit of them), the longest unchecked first.

    Partial dates compare as text the way their first days compare: "2024" and "2024-01" sort
    before "2024-01-01"."""
    reviewed = col(CaseStudy.last_reviewed)
    stale = and_(
        col(CaseStudy.status) == PUBLISHED,
        or_(reviewed.is_(None), reviewed <= checked_by.isoformat()),
    )
    total = session.exec(select(func.count()).select_from(CaseStudy).where(stale)).one()
    query = (
        select(CaseStudy)
        .where(stale)
        .order_by(reviewed.is_not(None), reviewed, col(CaseStudy.title), col(CaseStudy.slug))
        .offset(offset)
        .limit(limit)
    )
    return int(total), list(session.exec(query))


def latest_reminders(session: Session, ids: Iterable[int]) -> dict[int, ReviewReminder]:
    """Each case study's latest reminder, by case study id."""
    wanted = list(ids)
    if not wanted:
        return {}
    query = (
        select(ReviewReminder)
        .where(col(ReviewReminder.case_study_id).in_(wanted))
        .order_by(col(ReviewReminder.due_on))
    )
    return {r.case_study_id: r for r in session.exec(query)}
