"""What the submission workflow takes and gives: the record as its council and the moderators see
it, its safeguarding check, history, decisions and tag proposals."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from app.core.content import CaseStudyContent, CaseStudyPatch, Status, reject_unknown_fields
from app.core.sanitise import clean_text, shows_something, xml_safe


def _xml_safe(value: object) -> object:
    if not isinstance(value, str):
        return value
    safe = xml_safe(value)
    return safe if shows_something(safe) else ""


# What a moderator writes is stored and sent on to the council: without the characters XML and
# PostgreSQL cannot carry (a NUL in a reason was a 500 on PostgreSQL), and empty if nothing in it
# shows (a reason of zero-width spaces passed "at least 3 characters" and reached the council).
Written = Annotated[str, BeforeValidator(_xml_safe)]


REASON_LONGEST = 2000  # a paragraph or two: why both should stand, not a second case study


def _reason(value: object) -> object:
    """Cleaned as the case study's plain text is, before the length rule; None if nothing in it
    shows."""
    if not isinstance(value, str) or len(value) > 4 * REASON_LONGEST:
        return value  # the wrong type or far too long: for the field's rules to refuse
    return clean_text(value) or None


# The council's word on why a submission should stand beside the published case study it
# closely matches: for the moderators only, never published.
DuplicateReason = Annotated[
    Annotated[str, StringConstraints(max_length=REASON_LONGEST)] | None,
    BeforeValidator(_reason),
    Field(
        description="Optional: if the submission closely matches a published case study (a "
        "`possible_duplicate` warning), why both should stand, for the moderators. Plain text, "
        f"at most {REASON_LONGEST:,} characters; checked by the safeguarding check like the "
        "rest, and never published",
    ),
]


# The reason as a submission or an amendment shows it to its council and the moderators.
ReasonShown = Annotated[
    str | None,
    Field(
        description="The council's word to the moderators on why it should stand beside the "
        "published case study it closely matches; never published",
    ),
]


class SubmissionCreate(CaseStudyContent):
    """A new submission: the case study's content, and the council's word to the moderators."""

    duplicate_reason: DuplicateReason = None

    def content(self) -> CaseStudyContent:
        """The case study's content alone, as validated (the reason is not part of it)."""
        return CaseStudyContent.model_construct(**self.model_dump(exclude={"duplicate_reason"}))


class SubmissionPatch(CaseStudyPatch):
    """A change to a submission, or one proposed to a published case study: content fields, and
    the council's word to the moderators (null clears it)."""

    duplicate_reason: DuplicateReason = None


class Notes(BaseModel):
    """What an officer writes for the moderators beside the case study, as the form checks it."""

    duplicate_reason: DuplicateReason = None


class SafeguardingFinding(BaseModel):
    kind: Literal[
        "date_of_birth", "name_and_age", "name_school_year", "home_address", "phone_number"
    ]
    field: str
    passage: str = Field(description="The sentence where it was found")
    message: str


class Safeguarding(BaseModel):
    """Whether the text looks like it identifies a child or family; a flagged submission cannot
    be published until a moderator confirms it was checked."""

    flagged: bool
    findings: list[SafeguardingFinding]
    checked_by: str | None = None
    checked_at: datetime | None = None
    checked_version: int | None = Field(
        default=None,
        description="The version the moderator confirmed; an amendment since clears it",
    )


class SubmissionWarning(BaseModel):
    kind: Literal["possible_duplicate", "sanitised"]
    detail: str
    slug: str | None = Field(default=None, description="The published case study it resembles")


class SubmissionPublic(CaseStudyContent):
    """A submission as its council and the moderators see it."""

    id: int
    slug: str
    status: Status
    version: int = Field(
        description="One more with every change; the ETag. Send it as If-Match to change "
        "exactly this version"
    )
    owner_council: str | None
    last_reviewed: str | None = Field(
        default=None,
        description="When it was last checked to be still current: set when published and by "
        'the answer "Still current" to the yearly "Is this still current?" email',
    )
    moderation_message: str | None = Field(
        description="The latest message from the moderators: changes requested, or the reason "
        "for a rejection"
    )
    safeguarding: Safeguarding
    warnings: list[SubmissionWarning]
    duplicate_reason: ReasonShown = None
    created_at: datetime
    modified_at: datetime
    url: str = Field(description="This submission in the API")
    public_url: str | None = Field(description="The published case study, once published")


class AmendmentPublic(CaseStudyContent):
    """An amendment proposed to a published case study: the content it would publish, and its
    own state and version; the published version stays public until a moderator publishes it."""

    id: int
    case_study_id: int = Field(description="The published case study it amends (a submission)")
    slug: str
    status: Status = Field(
        description="submitted (waiting for a moderator), changes_requested, then published, "
        "rejected or withdrawn"
    )
    version: int = Field(description="The amendment's version, its ETag; send it as If-Match")
    base_version: int = Field(description="The case study's version it was proposed against")
    proposed_by: str
    moderation_message: str | None
    safeguarding: Safeguarding
    warnings: list[SubmissionWarning]
    duplicate_reason: ReasonShown = None
    created_at: datetime
    modified_at: datetime
    url: str = Field(description="This amendment in the API")
    submission_url: str = Field(description="The case study it amends, in the API")
    public_url: str = Field(description="The published case study, as it is public now")


class AmendmentList(BaseModel):
    total: int
    page: int
    per_page: int
    results: list[AmendmentPublic]


class SubmissionList(BaseModel):
    total: int
    page: int
    per_page: int
    results: list[SubmissionPublic]


class HistoryEvent(BaseModel):
    at: datetime
    actor: str = Field(description="Who: the council or moderator and the key's number")
    role: str
    action: Literal[
        "submitted",
        "amended",
        "withdrawn",
        "published",
        "changes_requested",
        "rejected",
        "unpublished",
        "safeguarding_confirmed",
        "reviewed",  # "Still current", answered from an "Is this still current?" email
        "update_needed",  # "Needs an update", answered likewise: opens an amendment
        # An amendment to a published case study, which stays public meanwhile:
        "amendment_proposed",
        "amendment_amended",
        "amendment_withdrawn",
        "amendment_published",
        "amendment_changes_requested",
        "amendment_rejected",
    ]
    from_status: Status | None
    to_status: Status | None
    message: str | None = Field(description="Why: the moderator's message or reason")
    changes: dict[str, dict[str, Any]] = Field(
        description="For amendments: each changed field, from what to what"
    )


class History(BaseModel):
    id: int
    slug: str
    events: list[HistoryEvent]


class _ModeratorsWords(BaseModel):
    """A moderator's body: known fields only, many unknown ones refused in one short error."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        return reject_unknown_fields(cls, data)


class ModerationMessage(_ModeratorsWords):
    message: Written = Field(
        min_length=3, max_length=4000, description="What the council should do"
    )


class ModerationReason(_ModeratorsWords):
    reason: Written = Field(min_length=3, max_length=4000, description="Why, for the council")


class ModerationNote(_ModeratorsWords):
    note: Written | None = Field(default=None, max_length=4000)


class SafeguardingConfirmation(_ModeratorsWords):
    note: Written = Field(
        min_length=3, max_length=4000, description="What was checked, for the record"
    )


class TagDraft(BaseModel):
    """The text of a draft to propose tags for; other fields of a full draft are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str = Field(default="", max_length=200)
    summary: str = Field(default="", max_length=800)
    body: str = Field(default="", max_length=50_000)
    outcomes: list[str] = Field(default_factory=list, max_length=30)
    programme: str | None = Field(default=None, max_length=200)


class TagSuggestion(BaseModel):
    value: str
    label: str
    score: float = Field(description="Higher is surer; a vocabulary match alone scores 1")
    reasons: list[str]
    # The reasons as the pages say them, naming similar case studies by title where `reasons`
    # give the slugs an API client looks up in `similar`; not part of the API's answer.
    _words: list[str] | None = PrivateAttr(default=None)

    @property
    def reasons_in_words(self) -> list[str]:
        return self._words if self._words is not None else self.reasons


class SimilarCaseStudy(BaseModel):
    slug: str
    title: str
    similarity: float = Field(description="Relative to the most similar, which scores 1")


class TagSuggestions(BaseModel):
    priority_areas: list[TagSuggestion]
    age_bands: list[TagSuggestion]
    themes: list[TagSuggestion]
    similar: list[SimilarCaseStudy]
