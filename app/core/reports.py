"""What moderators read about use and coverage: query counts and the coverage matrix."""

from datetime import date

from pydantic import (
    BaseModel,
    Field,
)


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


class DayCount(BaseModel):
    """One day's searches: how many, and how many found nothing."""

    day: date
    searches: int
    zero_results: int


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
