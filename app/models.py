"""The SQL tables: case studies, their tags, and the change log that feeds the search index."""

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, Relationship, SQLModel

TAG_KINDS = ("priority_areas", "age_bands", "themes")


def utcnow() -> datetime:
    return datetime.now(UTC)


class CaseStudy(SQLModel, table=True):
    __tablename__ = "case_study"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    title: str = Field(max_length=200)
    council: str = Field(max_length=150, index=True)
    region: str = Field(max_length=60, index=True)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    outcomes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    programme: str | None = Field(default=None, max_length=200)
    partners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    evidence: str = Field(max_length=20, index=True)
    published: str | None = Field(default=None, max_length=10)
    published_year: int | None = Field(default=None, index=True)
    updated: str | None = Field(default=None, max_length=10)
    source_url: str | None = Field(default=None, max_length=500)
    status: str = Field(max_length=20, index=True)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    modified_at: datetime = Field(default_factory=utcnow)

    tags: list["CaseStudyTag"] = Relationship(
        back_populates="case_study",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "CaseStudyTag.id"},
    )

    def tag_values(self, kind: str) -> list[str]:
        return [t.value for t in self.tags if t.kind == kind]


class CaseStudyTag(SQLModel, table=True):
    """One tag of a case study, so that the store itself can filter by tag."""

    __tablename__ = "case_study_tag"
    __table_args__ = (Index("ix_case_study_tag_kind_value", "kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    case_study_id: int = Field(foreign_key="case_study.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    value: str = Field(max_length=60)

    case_study: CaseStudy | None = Relationship(back_populates="tags")


class ChangeLog(SQLModel, table=True):
    """A case study changed; written in the same transaction as the change.

    Each process applies the log to its index in order, so a crash between the store commit and
    the index update loses nothing: the index catches up from the log.
    """

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120)
    at: datetime = Field(default_factory=utcnow)
