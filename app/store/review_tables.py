"""The tables of "Is this still current?": one reminder per case study and period, and each
recipient's link to answer it."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.models import UTCDateTime, _when


class ReviewReminder(SQLModel, table=True):
    """One "Is this still current?" for one case study and one period (the day the check fell
    due). Unique per period, so of two processes sending reminders only one sends each; it
    records the answer when one comes."""

    __tablename__ = "review_reminder"
    __table_args__ = (UniqueConstraint("case_study_id", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_study_id: int = Field(foreign_key="case_study.id", index=True, ondelete="CASCADE")
    due_on: date
    sent_at: datetime = _when()
    answer: str | None = Field(default=None, max_length=20)  # still_current, needs_update
    answered_at: datetime | None = _when(optional=True)


class ReviewLink(SQLModel, table=True):
    """One recipient's link to answer a reminder: only the SHA-256 of its secret, and when it
    expires."""

    __tablename__ = "review_link"

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="review_reminder.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
