"""The tables of what moderators curate for search: everyday phrases accepted (or dismissed) as
synonyms of the sector's words, case studies pinned to queries, and the record of each change."""

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.models import UTCDateTime, utcnow


class LaySynonym(SQLModel, table=True):
    """An everyday phrase a moderator decided on: accepted (search also looks for its targets,
    one way) or dismissed (never proposed again)."""

    __tablename__ = "lay_synonym"
    # A number is never given twice (PostgreSQL's sequence never does; SQLite needs the
    # keyword), so that a Forget pressed again, or from a page opened before, finds nothing
    # rather than forgetting the next decision, which took the highest number left.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    phrase: str = Field(max_length=200, unique=True, index=True)
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=300)
    decided_by: str = Field(max_length=250)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BestBet(SQLModel, table=True):
    """A case study pinned to the top of a query's results."""

    __tablename__ = "best_bet"
    # Numbers never given twice, as lay_synonym's: an old page's Unpin unpins nothing else.
    __table_args__ = (
        UniqueConstraint("query", "slug", name="uq_best_bet_query_slug"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(max_length=200, index=True)
    match: str = Field(max_length=10)
    slug: str = Field(max_length=200)
    position: int
    added_by: str = Field(max_length=250)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CurationChange(SQLModel, table=True):
    """One change to the synonyms or best bets: who, when, what. The number of rows is a
    version every process polls to re-read them (services/curation.py)."""

    __tablename__ = "curation_change"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=200, index=True)
    action: str = Field(max_length=20)
    detail: str = Field(default="", max_length=1000)
    actor: str = Field(max_length=250)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
