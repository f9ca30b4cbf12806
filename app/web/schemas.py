"""Response bodies of the web layer: the problem+json document, and the domain's read models
with their URLs."""

from pydantic import BaseModel, Field

from app.core.results import (
    CaseStudyDetail,
    RelatedPage,
    SearchPage,
    SearchResult,
    Suggestion,
    SuggestPage,
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


# What the JSON API answers: the domain values with the URLs that lead on from them.


class CaseStudyPublic(CaseStudyDetail):
    """A published case study in full."""

    url: str = Field(description="This case study in the API")


class SearchResultPublic(SearchResult):
    """One hit: enough to show a result card, with highlighted snippets."""

    url: str = Field(description="The case study in the API")


class SearchPagePublic(SearchPage):
    """A page of search results with totals and disjunctive facet counts."""

    results: list[SearchResultPublic]  # type: ignore[assignment]


class RelatedPagePublic(RelatedPage):
    """Published case studies most like one case study, most similar first."""

    results: list[SearchResultPublic]  # type: ignore[assignment]


class SuggestionPublic(Suggestion):
    url: str = Field(description="The API request that follows the suggestion")


class SuggestPagePublic(SuggestPage):
    suggestions: list[SuggestionPublic]  # type: ignore[assignment]
