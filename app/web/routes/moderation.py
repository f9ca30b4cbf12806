"""Moderation: the queue, and publish / request changes / reject / unpublish / confirm the
safeguarding check, each for the version named by If-Match (or the current one)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.core.content import Status
from app.core.submissions import (
    ModerationMessage,
    ModerationNote,
    ModerationReason,
    SafeguardingConfirmation,
    SubmissionList,
    SubmissionPublic,
)
from app.web.deps import BaseUrlDep, ModerationDep, ModeratorDep, SessionDep, SubmissionsDep
from app.web.preconditions import IfMatchDep, versioned
from app.web.presenters import submission_list, submission_public
from app.web.routes.params import RecordId

router = APIRouter(prefix="/api/v1/moderation", tags=["moderation"])


@router.get("/queue", response_model=SubmissionList)
def queue(
    session: SessionDep,
    principal: ModeratorDep,
    service: SubmissionsDep,
    base_url: BaseUrlDep,
    status: Annotated[list[Status], Query(max_length=5)] = ["submitted"],  # noqa: B006
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SubmissionList:
    """Submissions waiting for a decision, oldest first, with their safeguarding findings and
    warnings. `status` can widen the queue (for example to `changes_requested`)."""
    rows = service.find(session, principal, list(status), None, page, per_page, oldest_first=True)
    return submission_list(rows, page, per_page, base_url)


@router.post("/{record_id:int}/publish", response_model=SubmissionPublic)
def publish(
    session: SessionDep,
    principal: ModeratorDep,
    service: ModerationDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    expected: IfMatchDep,
    response: Response,
    body: ModerationNote | None = None,
) -> SubmissionPublic:
    """Publish a submitted case study: it is in search when this answers. A submission the
    safeguarding check flagged needs /confirm-safeguarding first (409 otherwise)."""
    row = service.publish(session, principal, record_id, body.note if body else None, expected)
    return versioned(response, submission_public(row, base_url))


@router.post("/{record_id:int}/request-changes", response_model=SubmissionPublic)
def request_changes(
    session: SessionDep,
    principal: ModeratorDep,
    service: ModerationDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    body: ModerationMessage,
    expected: IfMatchDep,
    response: Response,
) -> SubmissionPublic:
    """Send a submission back to its council with a message saying what to change."""
    row = service.request_changes(session, principal, record_id, body.message, expected)
    return versioned(response, submission_public(row, base_url))


@router.post("/{record_id:int}/reject", response_model=SubmissionPublic)
def reject(
    session: SessionDep,
    principal: ModeratorDep,
    service: ModerationDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    body: ModerationReason,
    expected: IfMatchDep,
    response: Response,
) -> SubmissionPublic:
    """Reject a submission, with the reason the council will see."""
    row = service.reject(session, principal, record_id, body.reason, expected)
    return versioned(response, submission_public(row, base_url))


@router.post("/{record_id:int}/unpublish", response_model=SubmissionPublic)
def unpublish(
    session: SessionDep,
    principal: ModeratorDep,
    service: ModerationDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    body: ModerationReason,
    expected: IfMatchDep,
    response: Response,
) -> SubmissionPublic:
    """Take a published case study out of search at once; it goes back to its council as
    `changes_requested` with the reason."""
    row = service.unpublish(session, principal, record_id, body.reason, expected)
    return versioned(response, submission_public(row, base_url))


@router.post("/{record_id:int}/confirm-safeguarding", response_model=SubmissionPublic)
def confirm_safeguarding(
    session: SessionDep,
    principal: ModeratorDep,
    service: ModerationDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    body: SafeguardingConfirmation,
    expected: IfMatchDep,
    response: Response,
) -> SubmissionPublic:
    """Record that a moderator checked what the safeguarding check flagged (and why it may be
    published). An amendment that changes the findings needs a new confirmation."""
    row = service.confirm_safeguarding(session, principal, record_id, body.note, expected)
    return versioned(response, submission_public(row, base_url))
