"""Moderation: the queue, and publish / request changes / reject / unpublish / confirm the
safeguarding check, each for the version named by If-Match (or the current one)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.core.content import Status
from app.core.principals import Principal
from app.core.submissions import (
    ModerationMessage,
    ModerationNote,
    ModerationReason,
    SafeguardingConfirmation,
    SubmissionList,
    SubmissionPublic,
)
from app.services.moderation import ModerationService
from app.store.db import Session
from app.store.models import CaseStudy
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


@dataclass(frozen=True)
class Decision:
    """What every decision needs — who decides, on which record, at which version — and how it
    is answered: the submission as it now stands, its version as the ETag."""

    session: Session
    principal: Principal
    service: ModerationService
    base_url: str
    record_id: int
    expected: frozenset[int] | None
    response: Response

    def apply(
        self,
        act: Callable[[Session, Principal, int, str, frozenset[int] | None], CaseStudy],
        words: str,
    ) -> SubmissionPublic:
        row = act(self.session, self.principal, self.record_id, words, self.expected)
        return versioned(self.response, submission_public(row, self.base_url))


def decision(
    session: SessionDep,
    principal: ModeratorDep,
    service: ModerationDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    expected: IfMatchDep,
    response: Response,
) -> Decision:
    return Decision(session, principal, service, base_url, record_id, expected, response)


DecisionDep = Annotated[Decision, Depends(decision)]


@router.post("/{record_id:int}/publish", response_model=SubmissionPublic)
def publish(decision: DecisionDep, body: ModerationNote | None = None) -> SubmissionPublic:
    """Publish a submitted case study: it is in search when this answers. A submission the
    safeguarding check flagged needs /confirm-safeguarding first (409 otherwise). The key or
    person who submitted or amended it may not publish it (403): another moderator must."""
    row = decision.service.publish(
        decision.session,
        decision.principal,
        decision.record_id,
        body.note if body else None,
        decision.expected,
    )
    return versioned(decision.response, submission_public(row, decision.base_url))


@router.post("/{record_id:int}/request-changes", response_model=SubmissionPublic)
def request_changes(decision: DecisionDep, body: ModerationMessage) -> SubmissionPublic:
    """Send a submission back to its council with a message saying what to change."""
    return decision.apply(decision.service.request_changes, body.message)


@router.post("/{record_id:int}/reject", response_model=SubmissionPublic)
def reject(decision: DecisionDep, body: ModerationReason) -> SubmissionPublic:
    """Reject a submission, with the reason the council will see."""
    return decision.apply(decision.service.reject, body.reason)


@router.post("/{record_id:int}/unpublish", response_model=SubmissionPublic)
def unpublish(decision: DecisionDep, body: ModerationReason) -> SubmissionPublic:
    """Take a published case study out of search at once; it goes back to its council as
    `changes_requested` with the reason."""
    return decision.apply(decision.service.unpublish, body.reason)


@router.post("/{record_id:int}/confirm-safeguarding", response_model=SubmissionPublic)
def confirm_safeguarding(decision: DecisionDep, body: SafeguardingConfirmation) -> SubmissionPublic:
    """Record that a moderator checked what the safeguarding check flagged (and why it may be
    published). An amendment that changes the findings needs a new confirmation."""
    return decision.apply(decision.service.confirm_safeguarding, body.note)
