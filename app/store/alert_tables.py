"""The tables of email alerts for a search: the alerts, what each was sent, when a case study was
first published (what is new), the lease of the job that sends them, and a stored signing key."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.store.models import _when


class Alert(SQLModel, table=True):
    """Emails about new case studies matching a search, for one address. Nothing is sent until
    `confirmed_at` is set (and it is moved on when the alert is kept, as it lapses some months
    after it: services/alert_keeping.py); `last_change_id` is the change-log position the last
    email (or the last check that found nothing) covered, so the next lists only what was
    published since."""

    __tablename__ = "alert"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    # A keyed hash of the address: manage links name it, never the address itself.
    address_key: str = Field(max_length=64, index=True)
    search: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    frequency: str = Field(max_length=20)
    created_at: datetime = _when()
    confirmed_at: datetime | None = _when(optional=True)
    last_change_id: int = 0
    checked_at: datetime | None = _when(optional=True)
    last_sent_at: datetime | None = _when(optional=True)


class AlertSending(SQLModel, table=True):
    """The send ledger: one row per alert email, written in the same transaction as the email
    is queued and the alert's position moved, so a crashed run neither repeats nor loses one."""

    __tablename__ = "alert_sending"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True, ondelete="CASCADE")
    at: datetime = _when()
    up_to_change_id: int
    case_studies: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AlertPublication(SQLModel, table=True):
    """When the alert job first saw a case study published (a change-log id): what is "new"
    for an alert is what was first published after its position, not merely edited."""

    __tablename__ = "alert_publication"

    slug: str = Field(primary_key=True, max_length=120)
    change_id: int = Field(index=True)


class JobLease(SQLModel, table=True):
    """One row per background job that must run in one process at a time across replicas: who
    holds it until when, and how far through the change log the job has got."""

    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str | None = Field(default=None, max_length=100)
    expires_at: datetime | None = _when(optional=True)
    position: int = 0


class StoredSecret(SQLModel, table=True):
    """A signing key made on first use and shared by every replica through the store (used
    when no SECRET_KEY is set)."""

    __tablename__ = "stored_secret"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
