"""What a search or a read returns: case studies, results, facets, the vocabulary, suggestions.

Domain values only: the web layer adds the URLs (app/web/presenters.py), since only it knows
the address the service is reached at."""

from dataclasses import dataclass
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from app.core.content import Evidence


class CaseStudyDetail(BaseModel):
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
    last_reviewed: str | None = Field(
        description="When it was last checked to be still current (YYYY, YYYY-MM or "
        "YYYY-MM-DD); null when not known"
    )
    source_url: str | None


class MatchedWords(BaseModel):
    """A word or phrase of the query that a case study holds, and what it added."""

    words: str = Field(description="As the index holds them: lower case, stemmed")
    origin: Literal["typed", "synonym", "everyday", "wildcard", "phrase"] = Field(
        description="Typed; a synonym of what was typed; the sector's word for an everyday "
        "one; a word a wildcard stands for; or all the words typed, side by side"
    )
    fields: dict[str, int] = Field(description="How often it occurs in each field")
    score: float = Field(description="Its BM25F score here (before the part's share)")


class ScorePart(BaseModel):
    """One part of the query: a word or phrase typed (with its expansions), the phrase of all
    the words, or the lift for age words."""

    part: str
    score: float = Field(description="What this part adds to the BM25F score")
    matched: list[MatchedWords]


class Explanation(BaseModel):
    """Why a case study ranks where it does (asked for with explain=true)."""

    score: float = Field(description="The BM25F score: the sum of the parts")
    parts: list[ScorePart]
    ignored: list[str] = Field(
        description="Words not searched for on their own: filler and question words"
    )
    bm25f_rank: int = Field(description="Its place among the matches by BM25F alone")
    semantic_rank: int | None = Field(
        description="Its place by the meaning of the words (embeddings), when hybrid is on"
    )
    cosine: float | None = Field(description="Similarity of its embedding to the query's")
    fused: float | None = Field(description="The fused score the results are ordered by")


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
    last_reviewed: str | None = Field(
        description="When it was last checked to be still current; null when not known"
    )
    source_url: str | None
    highlights: dict[str, str] = Field(
        description="Snippets by field (title, summary, and body: the best sentence of the story;"
        " question instead when that sentence is one of the questions the case study helps"
        " answer); matches in <mark>, everything else HTML-escaped"
    )
    recommended: bool = Field(
        default=False,
        exclude_if=lambda value: not value,
        description="Present (true) only on a best bet: a case study moderators pinned to "
        "this search, shown first",
    )
    explain: Explanation | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Only with explain=true: why this result ranks where it does",
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """What a result card shows of a published case study, and the text its snippets quote
    from: read from the store without the rest of the record (app/store/case_studies.py)."""

    slug: str
    title: str
    council: str
    region: str
    summary: str
    body: str
    outcomes: tuple[str, ...]
    priority_areas: list[str]
    age_bands: list[str]
    themes: list[str]
    evidence: Evidence
    published: str | None
    last_reviewed: str | None
    source_url: str | None
    # The body's sentences, each with its stems, if the index kept them (app/search/passages.py).
    sentences: tuple[tuple[str, tuple[str, ...]], ...] | None = None


class FacetValue(BaseModel):
    """Frozen: app/services/facet_values.py hands the same value to many searches."""

    model_config = ConfigDict(frozen=True)

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
    council: list[FacetValue] = Field(
        default=[], description="Councils by name (the value to pass as `council`)"
    )
    measured: list[FacetValue] = Field(
        default=[],
        description="Whether case studies report a measured outcome: `true` or `false`",
    )


class SearchPage(BaseModel):
    """A page of search results with totals and disjunctive facet counts."""

    q: str
    did_you_mean: str | None = Field(
        default=None, description="The query with misspelt words corrected, when any were"
    )
    corrected: bool = Field(
        default=False, description="True when the results are for did_you_mean, not q"
    )
    also_searched: list[str] = Field(
        default=[],
        description="The sector's words also searched for in place of everyday words in q "
        "(“kinship care” for “nan”): a result may hold these and not the words typed",
    )
    sort: Literal["relevance", "newest", "title", "reviewed"]
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


class SuggestPage(BaseModel):
    q: str
    suggestions: list[Suggestion]
