"""Council submissions: /api/v1/submissions (submit, list, read, amend, withdraw, history) and
/api/v1/submissions/suggest-tags."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from app.core.content import Status
from app.core.submissions import (
    History,
    SubmissionCreate,
    SubmissionList,
    SubmissionPatch,
    SubmissionPublic,
    TagDraft,
    TagSuggestions,
)
from app.web.deps import (
    BaseUrlDep,
    PrincipalDep,
    SessionDep,
    SubmissionsDep,
    SubmitterDep,
    TaggerDep,
)
from app.web.preconditions import IfMatchDep, etag, versioned
from app.web.presenters import submission_list, submission_public
from app.web.routes.params import RecordId

router = APIRouter(prefix="/api/v1", tags=["submissions"])


async def raw_body(request: Request) -> Any:
    """The JSON as sent (FastAPI has already read and checked it), to say what cleaning removed."""
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        return None


RawDep = Annotated[Any, Depends(raw_body)]


@router.post(
    "/submissions",
    status_code=201,
    response_model=SubmissionPublic,
    responses={409: {"description": "Idempotency-Key reused for a different request"}},
)
def submit(
    session: SessionDep,
    principal: SubmitterDep,
    service: SubmissionsDep,
    base_url: BaseUrlDep,
    content: SubmissionCreate,
    raw: RawDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            description="Any unique string; a retry with the same key returns the first answer",
        ),
    ] = None,
) -> JSONResponse:
    """Submit a case study for moderation, with the same fields and rules as a collection file.

    A council key submits for its own council. The answer is the stored record, in state
    `submitted` at version 1 (its ETag), with the safeguarding check's findings and any warnings
    (a close match with a published case study, text that was removed as unsafe).

    If it closely matches a published case study, say why both should stand in
    `duplicate_reason`: the moderators read it beside the match; it is never published."""
    body = service.submit(
        session,
        principal,
        content.content(),
        raw,
        idempotency_key,
        lambda row: submission_public(row, base_url).model_dump(mode="json"),
        content.duplicate_reason,
    )
    headers = {"Location": body["url"], "ETag": etag(body["version"])}
    return JSONResponse(body, status_code=201, headers=headers)


@router.get("/submissions", response_model=SubmissionList)
def list_submissions(
    session: SessionDep,
    principal: PrincipalDep,
    service: SubmissionsDep,
    base_url: BaseUrlDep,
    status: Annotated[list[Status], Query(max_length=5)] = [],  # noqa: B006
    council: Annotated[str | None, Query(max_length=150)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SubmissionList:
    """A council's own submissions, newest first (moderators see every council's, and may
    filter by `council`)."""
    rows = service.find(session, principal, list(status), council, page, per_page)
    return submission_list(rows, page, per_page, base_url)


@router.get("/submissions/{record_id:int}", response_model=SubmissionPublic)
def read_submission(
    session: SessionDep,
    principal: PrincipalDep,
    service: SubmissionsDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    response: Response,
) -> SubmissionPublic:
    """One submission, with the moderators' latest message; its ETag is its version. Another
    council's is a 404."""
    return versioned(
        response, submission_public(service.get(session, principal, record_id), base_url)
    )


@router.patch("/submissions/{record_id:int}", response_model=SubmissionPublic)
def amend_submission(
    session: SessionDep,
    principal: SubmitterDep,
    service: SubmissionsDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    patch: SubmissionPatch,
    expected: IfMatchDep,
    response: Response,
) -> SubmissionPublic:
    """Amend a submission that is `submitted` or `changes_requested`: send only the fields to
    change. It goes back to `submitted` for a new review, any safeguarding confirmation is
    cleared, and the history records each change. With If-Match, only the version named is
    amended (a 409 gives the current version and state otherwise). `duplicate_reason` replaces
    the word to the moderators on why it should stand beside a close match (null clears it)."""
    changes = patch.model_dump(exclude_unset=True)
    row = service.amend(session, principal, record_id, changes, expected)
    return versioned(response, submission_public(row, base_url))


@router.delete("/submissions/{record_id:int}", response_model=SubmissionPublic)
def withdraw_submission(
    session: SessionDep,
    principal: SubmitterDep,
    service: SubmissionsDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    expected: IfMatchDep,
    response: Response,
) -> SubmissionPublic:
    """Withdraw a submission that is not published. It is kept, as `withdrawn`, with its
    history. With If-Match, only the version named is withdrawn."""
    row = service.withdraw(session, principal, record_id, expected)
    return versioned(response, submission_public(row, base_url))


@router.get("/submissions/{record_id:int}/history", response_model=History)
def submission_history(
    session: SessionDep, principal: PrincipalDep, service: SubmissionsDep, record_id: RecordId
) -> History:
    """Every change of content or state: who, when, from what to what, and why."""
    return service.history(session, principal, record_id)


@router.post("/submissions/suggest-tags", response_model=TagSuggestions)
def suggest_tags(
    session: SessionDep,
    _principal: PrincipalDep,
    tagger: TaggerDep,
    draft: TagDraft,
) -> TagSuggestions:
    """Propose priority areas, age bands and themes for a draft from its text, each with its
    reasons: vocabulary terms (or their synonyms) the text mentions, and the tags of the most
    similar published case studies (listed in `similar`)."""
    return tagger.suggest(session, draft)
