"""The problem+json body, as the OpenAPI schema describes it."""

from pydantic import BaseModel, Field


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
