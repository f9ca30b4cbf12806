"""An amendment proposed to a published case study: the proposed content beside the live row,
with its own state and version, so the live version stays public until a moderator publishes
the amendment."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.store.models import UTCDateTime, utcnow


class CaseStudyRevision(SQLModel, table=True):
    """The proposed content (a case study file's fields, as `content`), its state (`submitted`,
    `changes_requested`, then `published`, `rejected` or `withdrawn`) and version (the ETag of
    the amendment), and the live case study's version it was proposed against.

    `open_for` is the case study's id while the amendment is open and NULL once it is closed:
    unique, so a case study has at most one open amendment whoever races to open a second."""

    __tablename__ = "case_study_revision"

    id: int | None = Field(default=None, primary_key=True)
    case_study_id: int = Field(foreign_key="case_study.id", index=True, ondelete="CASCADE")
    open_for: int | None = Field(default=None, unique=True)
    state: str = Field(max_length=20)
    version: int = 1
    base_version: int  # the live case study's version when the amendment was opened
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    proposed_by: str = Field(max_length=250)
    moderation_message: str | None = Field(default=None, sa_column=Column(Text))
    # The council's word to the moderators on why it should stand beside the published case
    # study it closely matches; for them only, never published (as `CaseStudy.duplicate_reason`).
    duplicate_reason: str | None = Field(default=None, sa_column=Column(Text))
    safeguarding_findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    safeguarding_checked_by: str | None = Field(default=None, max_length=250)
    safeguarding_checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    safeguarding_checked_version: int | None = None
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    modified_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
