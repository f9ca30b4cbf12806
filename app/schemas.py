"""What crosses the boundary: the case study content schema (files and submissions) and API bodies.

Kept apart from the tables so that a new column never changes the public contract by accident.
"""

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.vocabulary import get_vocabulary

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
    council: str = Field(min_length=2, max_length=150)
    region: str = Field(description="One of the nine English regions or Wales")
    summary: str = Field(min_length=20, max_length=800, description="Plain text, a few sentences")
    body: str = Field(min_length=1, max_length=50_000, description="Markdown")
    outcomes: list[ShortText] = Field(default_factory=list, max_length=30)
    priority_areas: list[str] = Field(min_length=1, max_length=7)
    age_bands: list[str] = Field(min_length=1, max_length=4)
    themes: list[str] = Field(min_length=1, max_length=6)
    programme: str | None = Field(default=None, max_length=200)
    partners: list[ShortText] = Field(default_factory=list, max_length=30)
    evidence: Evidence = "emerging"
    published: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    updated: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    source_url: str | None = Field(default=None, max_length=500)

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


class CaseStudyFile(CaseStudyContent):
    """A case study of the bundled collection: content plus its slug and status."""

    slug: str = Field(pattern=SLUG_PATTERN, max_length=120)
    source_url: str = Field(max_length=500)
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
