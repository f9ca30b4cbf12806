"""ETag and If-Match for submissions: the ETag is the record's version, and a change sent with
If-Match applies only to the version it names (RFC 9110, section 13.1.1)."""

import re
from typing import Annotated

from fastapi import Depends, Header, Response

from app.core.errors import Invalid
from app.core.submissions import SubmissionPublic

_TAG = r'\s*(W/)?"([^"]*)"\s*'
_TAGS = re.compile(rf"{_TAG}(?:,{_TAG})*")


def etag(version: int) -> str:
    return f'"{version}"'


def versioned(response: Response, submission: SubmissionPublic) -> SubmissionPublic:
    """The submission, with its version as the answer's ETag."""
    response.headers["ETag"] = etag(submission.version)
    return submission


def parse_if_match(value: str | None) -> frozenset[int] | None:
    """The versions an If-Match names; None when there is none or it is `*` (any version).
    Strong comparison: a weak tag (W/"3") names no version."""
    if value is None or value.strip() == "*":
        return None
    if not _TAGS.fullmatch(value):
        raise Invalid(
            "If-Match takes the ETag of the version you read, in its quotes as it was sent "
            '(for example If-Match: "1"), or *.',
            [{"detail": "If-Match: not an ETag", "pointer": "#/header/if-match"}],
        )
    tags = re.findall(_TAG, value)
    # A tag of more digits than any version has names none (and int() refuses over 4,300).
    return frozenset(
        int(tag)
        for weak, tag in tags
        if not weak and tag.isascii() and tag.isdigit() and len(tag) <= 18
    )


async def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The ETag of the version you read: the change applies to that version "
            "or is a 409. Without it the change applies to whatever version is current",
        ),
    ] = None,
) -> frozenset[int] | None:
    return parse_if_match(value)


IfMatchDep = Annotated[frozenset[int] | None, Depends(if_match)]
