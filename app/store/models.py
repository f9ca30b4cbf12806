"""The SQL tables: case studies and their tags, the change log that feeds the search index,
submission history, API keys, idempotency records, query counts, people's accounts with their
sign-in links and browser sessions, the mail outbox, the websites allowed to embed the service,
and council officers' drafts. Email alerts' tables are in alert_tables.py, the "Is this still
current?" reminders' in review_tables.py, moderators' synonyms and best bets in
curation_tables.py."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, Index, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps in UTC, read back with their time zone on SQLite (which drops it) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _when(optional: bool = False) -> Any:
    if optional:
        return Field(default=None, sa_type=UTCDateTime)
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseStudy(SQLModel, table=True):
    __tablename__ = "case_study"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    title: str = Field(max_length=200)
    council: str = Field(max_length=300, index=True)
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
    # When it was last checked to be still current (a partial date, like published).
    last_reviewed: str | None = Field(default=None, max_length=10)
    source_url: str | None = Field(default=None, max_length=500)
    status: str = Field(max_length=20, index=True)
    # One more on every change of the row (app/store/submissions.py `claim`): a change names the
    # version it read and loses if another got there first. Clients see it as the ETag.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    content_hash: str = Field(max_length=64)
    created_at: datetime = _when()
    modified_at: datetime = _when()
    # Submissions: the council that owns the record (None for the bundled collection), the
    # latest word from the moderators, and the safeguarding check's findings and sign-off.
    owner_council: str | None = Field(default=None, max_length=300)
    owner_name: str | None = Field(default=None, max_length=300, index=True)  # normal_name(owner)
    moderation_message: str | None = Field(default=None, sa_column=Column(Text))
    safeguarding_findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    safeguarding_checked_by: str | None = Field(default=None, max_length=250)
    safeguarding_checked_at: datetime | None = _when(optional=True)
    safeguarding_checked_version: int | None = None  # the version the moderator confirmed
    # What the submitter should know: a close match with a published case study, text removed.
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # The council's word to the moderators on why it should stand beside the published case
    # study it closely matches; for them only, never published or exported.
    duplicate_reason: str | None = Field(default=None, sa_column=Column(Text))

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
    at: datetime = _when()


class SubmissionEvent(SQLModel, table=True):
    """One change of a case study's content or state: who, when, from what to what, and why."""

    __tablename__ = "submission_event"

    id: int | None = Field(default=None, primary_key=True)
    case_study_id: int = Field(foreign_key="case_study.id", index=True, ondelete="CASCADE")
    at: datetime = _when()
    actor: str = Field(max_length=250)
    role: str = Field(max_length=20)
    action: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    message: str | None = Field(default=None, sa_column=Column(Text))
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The case study's version the event left it at; for an event of an amendment, which one and
    # the amendment's own version (its counter is not the case study's). None before 0011.
    version: int | None = None
    amendment_id: int | None = None
    amendment_version: int | None = None


class ApiKey(SQLModel, table=True):
    """An API key, stored only as the SHA-256 of the secret (keys are 256 random bits, so a slow
    hash adds nothing); the prefix lets an operator tell keys apart."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64, unique=True, index=True)
    role: str = Field(max_length=20)
    council: str | None = Field(default=None, max_length=150)
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = _when()
    last_used_at: datetime | None = _when(optional=True)
    revoked_at: datetime | None = _when(optional=True)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request sent with an Idempotency-Key, replayed for retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()


class QueryCount(SQLModel, table=True):
    """How often a search was made on a day, and how often it found nothing. The query text and
    counts only: nothing about who searched."""

    __tablename__ = "query_count"
    __table_args__ = (UniqueConstraint("day", "query"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    query: str = Field(max_length=200)
    searches: int = 0
    zero_results: int = 0


class User(SQLModel, table=True):
    """A person who signs in by an emailed link: their address, role and (for a council user)
    council, and whether they may sign in (invited, active, revoked)."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    role: str = Field(max_length=20)
    council: str | None = Field(default=None, max_length=300)
    state: str = Field(max_length=20)
    invited_by: str | None = Field(default=None, max_length=250)
    created_at: datetime = _when()
    last_sign_in_at: datetime | None = _when(optional=True)
    revoked_at: datetime | None = _when(optional=True)


class SignInToken(SQLModel, table=True):
    """One emailed sign-in link: only the SHA-256 of its secret, when it expires, and when it
    was used (each works once)."""

    __tablename__ = "sign_in_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _when()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = _when(optional=True)


class BrowserSession(SQLModel, table=True):
    """A signed-in browser: the SHA-256 of its cookie's secret, when it was last seen (for the
    idle expiry) and when it ends whatever happens (the absolute expiry)."""

    __tablename__ = "browser_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _when()
    last_seen_at: datetime = _when()
    expires_at: datetime = Field(sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """An e-mail to send, written in the same transaction as what caused it; a sender claims it,
    sends it and marks it sent, or schedules another attempt, so a restart loses none."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _when()
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    claimed_until: datetime | None = _when(optional=True)
    sent_at: datetime | None = _when(optional=True)
    failed_at: datetime | None = _when(optional=True)
    last_error: str | None = Field(default=None, max_length=500)
    # Extra headers (an alert's List-Unsubscribe); forgotten with the body once sent.
    headers: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))


class EmbedOrigin(SQLModel, table=True):
    """A website allowed to embed the service: its pages may call the API from the browser
    (CORS) and show /embed in a frame (CSP frame-ancestors)."""

    __tablename__ = "embed_origin"
    # Numbers never given twice (as a draft's): an old page's Remove removes nothing else.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(max_length=300, unique=True, index=True)
    note: str | None = Field(default=None, max_length=300)
    added_by: str = Field(max_length=250)
    added_at: datetime = _when()


class EmbedOriginChange(SQLModel, table=True):
    """An origin added or removed, in the same transaction: who and when, and the signal every
    process polls (the number of rows) to re-read the list."""

    __tablename__ = "embed_origin_change"

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(max_length=300, index=True)
    action: str = Field(max_length=20)
    actor: str = Field(max_length=250)
    at: datetime = _when()


class Draft(SQLModel, table=True):
    """A council officer's unfinished case study, as typed (it need not be valid yet), or an
    amendment in the making (`amends_id` at `amends_version`); it becomes a submission, or
    changes one, only from the check-your-answers page. An admin's draft of a change to the
    campaign's own collection has no council (`owner_council` empty, which no council's is)."""

    __tablename__ = "draft"
    # A draft's number is never given again once it is sent or deleted (an old bookmark must
    # not open another draft); PostgreSQL's sequence never does, SQLite needs the keyword.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    owner_council: str = Field(max_length=300, index=True)
    created_by: str = Field(max_length=250)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    amends_id: int | None = Field(default=None, foreign_key="case_study.id", ondelete="CASCADE")
    amends_version: int | None = None
    # Changing a published case study's open amendment: its id, and amends_version is its version.
    amends_revision: int | None = None
    # One more with every save: a save from the form as it was read, or refused (two people of
    # one council, or two admins, in one draft).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = _when()
    modified_at: datetime = _when()
