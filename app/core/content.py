"""What crosses the boundary: the case study content schema (files and submissions) and API bodies.

Kept apart from the tables so that a new column never changes the public contract by accident.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.core.sanitise import clean_markdown, clean_text
from app.core.vocabulary import get_vocabulary

Evidence = Literal["evaluated", "measured", "emerging"]
Status = Literal["submitted", "changes_requested", "published", "rejected", "withdrawn"]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTIAL_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def _allowed(kind: str) -> str:
    return ", ".join(get_vocabulary().slugs(kind))


def check_tags(kind: str, values: list[str]) -> list[str]:
    """Return the tags de-duplicated; raise naming the allowed values for an unknown one."""
    allowed = set(get_vocabulary().slugs(kind))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        noun = kind.rstrip("s").replace("_", " ")
        raise ValueError(
            f"unknown {noun} {', '.join(map(repr, unknown))}; allowed: {_allowed(kind)}"
        )
    return list(dict.fromkeys(values))


class CaseStudyContent(BaseModel):
    """The content of a case study, validated by the same rules for a file and a submission."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    council: str = Field(min_length=2, max_length=300)  # a joint programme names every council
    region: str = Field(description="One of the nine English regions or Wales")
    summary: str = Field(min_length=20, max_length=800, description="Plain text, a few sentences")
    body: str = Field(min_length=1, max_length=50_000, description="Markdown")
    outcomes: list[ShortText] = Field(
        default_factory=list,
        max_length=30,
        description="Measured results only: a change or a comparison, not a count of people "
        "reached",
    )
    has_measured_outcome: bool | None = Field(
        default=None,
        description="Whether the case study reports a measured outcome; follows from `outcomes` "
        "when left out",
    )
    priority_areas: list[str] = Field(min_length=1, max_length=7)
    age_bands: list[str] = Field(min_length=1, max_length=4)
    themes: list[str] = Field(min_length=1, max_length=6)
    programme: str | None = Field(default=None, max_length=200)
    partners: list[ShortText] = Field(default_factory=list, max_length=30)
    evidence: Evidence = "emerging"
    published: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    updated: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    source_url: str | None = Field(default=None, max_length=500)

    @field_validator("title", "council", "summary", "programme", "body")
    @classmethod
    def _clean(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return None
        cleaned = clean_markdown(v) if info.field_name == "body" else clean_text(v)
        if not cleaned and info.field_name != "programme":
            raise ValueError("nothing is left once HTML is removed; send plain text or Markdown")
        return cleaned or None

    @field_validator("outcomes", "partners")
    @classmethod
    def _clean_items(cls, v: list[str]) -> list[str]:
        return [cleaned for item in v if (cleaned := clean_text(item))]

    @field_validator("priority_areas", "age_bands", "themes")
    @classmethod
    def _tags(cls, v: list[str], info: ValidationInfo) -> list[str]:
        assert info.field_name is not None
        return check_tags(info.field_name, v)

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        vocabulary = get_vocabulary()
        slug = vocabulary.region_slug(v)
        if slug is None:
            labels = ", ".join(t.label for t in vocabulary.regions)
            raise ValueError(f"unknown region {v!r}; allowed: {labels}")
        return vocabulary.label("regions", slug)

    @field_validator("published", "updated", mode="before")
    @classmethod
    def _partial_date(cls, v: object) -> object:
        if v is None:
            return None
        text = str(v)  # YAML reads 2018 as an int and 2018-09-01 as a date
        if not PARTIAL_DATE.match(text):
            raise ValueError(f"{text!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
        return text

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^\s/$.?#][^\s]*$", v):
            raise ValueError("source_url must be an http(s) address")
        return v

    @model_validator(mode="after")
    def _measured(self) -> "CaseStudyContent":
        measured = bool(self.outcomes)
        if self.has_measured_outcome is None:
            self.has_measured_outcome = measured
        elif self.has_measured_outcome != measured:
            raise ValueError(
                "has_measured_outcome is true but outcomes is empty: list the measured results"
                if self.has_measured_outcome
                else "has_measured_outcome is false but outcomes lists results: outcomes holds "
                "measured results only"
            )
        return self


class CaseStudyFile(CaseStudyContent):
    """A case study of the bundled collection: content plus its slug and status."""

    slug: str = Field(pattern=SLUG_PATTERN, max_length=120)
    status: Status = "published"


class CaseStudyPublic(BaseModel):
    """A published case study in full."""

    slug: str
    title: str
    council: str
    region: str
    summary: str
    body: str = Field(description="Markdown, as written")
    body_html: str = Field(description="The body rendered to sanitised HTML")
    outcomes: list[str]
    priority_areas: list[str]
    age_bands: list[str]
    themes: list[str]
    programme: str | None
    partners: list[str]
    evidence: Evidence
    published: str | None
    updated: str | None
    source_url: str | None
    url: str


class SearchResult(BaseModel):
    """One hit: enough to show a result card, with highlighted snippets."""

    slug: str
    title: str
    council: str
    region: str
    summary: str
    priority_areas: list[str]
    age_bands: list[str]
    themes: list[str]
    evidence: Evidence
    published: str | None
    source_url: str | None
    url: str
    highlights: dict[str, str] = Field(
        description="Snippets by field; matches in <mark>, everything else HTML-escaped"
    )


class FacetValue(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class Facets(BaseModel):
    priority_area: list[FacetValue]
    age_band: list[FacetValue]
    theme: list[FacetValue]
    region: list[FacetValue]
    evidence: list[FacetValue]


class SearchPage(BaseModel):
    """A page of search results with totals and disjunctive facet counts."""

    q: str
    did_you_mean: str | None = Field(
        default=None, description="The query with misspelt words corrected, when any were"
    )
    corrected: bool = Field(
        default=False, description="True when the results are for did_you_mean, not q"
    )
    sort: Literal["relevance", "newest", "title"]
    total: int
    page: int
    per_page: int
    pages: int
    results: list[SearchResult]
    facets: Facets


class VocabularyTermPublic(BaseModel):
    slug: str
    label: str
    description: str
    count: int = Field(description="Published case studies carrying this value")


class VocabularyPublic(BaseModel):
    priority_areas: list[VocabularyTermPublic]
    age_bands: list[VocabularyTermPublic]
    themes: list[VocabularyTermPublic]
    regions: list[VocabularyTermPublic]
    evidence: list[VocabularyTermPublic]


class RelatedPage(BaseModel):
    """Published case studies most like one case study, most similar first."""

    slug: str
    results: list[SearchResult]


class Suggestion(BaseModel):
    text: str
    kind: Literal["theme", "programme", "council", "case_study"]
    value: str = Field(description="The theme slug, programme, council or case study slug")
    count: int = Field(description="Published case studies it leads to")
    url: str = Field(description="The API request that follows the suggestion")


class SuggestPage(BaseModel):
    q: str
    suggestions: list[Suggestion]


class CaseStudyPatch(BaseModel):
    """An amendment: any content fields, each replacing the stored value."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    council: str | None = None
    region: str | None = None
    summary: str | None = None
    body: str | None = None
    outcomes: list[str] | None = None
    priority_areas: list[str] | None = None
    age_bands: list[str] | None = None
    themes: list[str] | None = None
    programme: str | None = None
    partners: list[str] | None = None
    evidence: Evidence | None = None
    published: str | None = None
    updated: str | None = None
    source_url: str | None = None


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


class SubmissionWarning(BaseModel):
    kind: Literal["possible_duplicate", "sanitised"]
    detail: str
    slug: str | None = Field(default=None, description="The published case study it resembles")


class SubmissionPublic(CaseStudyContent):
    """A submission as its council and the moderators see it."""

    id: int
    slug: str
    status: Status
    owner_council: str | None
    moderation_message: str | None = Field(
        description="The latest message from the moderators: changes requested, or the reason "
        "for a rejection"
    )
    safeguarding: Safeguarding
    warnings: list[SubmissionWarning]
    created_at: datetime
    modified_at: datetime
    url: str = Field(description="This submission in the API")
    public_url: str | None = Field(description="The published case study, once published")


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


class ModerationMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: str = Field(min_length=3, max_length=4000, description="What the council should do")


class ModerationReason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=4000, description="Why, for the council")


class ModerationNote(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=4000)


class SafeguardingConfirmation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=3, max_length=4000, description="What was checked, for the record")


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


class SimilarCaseStudy(BaseModel):
    slug: str
    title: str
    similarity: float = Field(description="Relative to the most similar, which scores 1")


class TagSuggestions(BaseModel):
    priority_areas: list[TagSuggestion]
    age_bands: list[TagSuggestion]
    themes: list[TagSuggestion]
    similar: list[SimilarCaseStudy]


class QueryStat(BaseModel):
    query: str
    searches: int
    zero_results: int = Field(description="How many of those searches found nothing")


class QueryReport(BaseModel):
    start: date
    end: date
    searches: int
    zero_result_searches: int
    top: list[QueryStat] = Field(description="The most frequent queries")
    zero_results: list[QueryStat] = Field(
        description="The most frequent queries that found nothing"
    )


class CoverageCell(BaseModel):
    age_band: str
    count: int
    priority_area: str | None = None


class CoverageRow(BaseModel):
    priority_area: str
    label: str
    counts: list[CoverageCell]


class CoverageTerm(BaseModel):
    slug: str
    label: str
    count: int


class CoverageReport(BaseModel):
    """Where the published collection is thin: what to commission next."""

    published: int
    age_bands: list[CoverageTerm] = Field(description="The matrix's columns, in order")
    priority_area_by_age_band: list[CoverageRow]
    themes: list[CoverageTerm] = Field(description="Every theme, fewest case studies first")
    thinnest: list[CoverageCell] = Field(
        description="The priority area x age band cells with the fewest"
    )


class ProblemError(BaseModel):
    detail: str
    pointer: str = Field(description="Where: #/query/name, #/body/field, …")


class Problem(BaseModel):
    """An error (RFC 9457): what went wrong and what to fix."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemError] | None = None
