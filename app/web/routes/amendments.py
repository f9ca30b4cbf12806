"""Amendments to published case studies: a council proposes one
(POST /api/v1/submissions/{id}/amendments), reads, changes or withdraws it
(/api/v1/amendments/{id}); moderators list them and publish, request changes, reject or confirm
the safeguarding check (/api/v1/moderation/amendments). The published version stays public
until an amendment is published. Each change applies to the version If-Match names."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse

from app.core.content import Status
from app.core.submissions import (
    AmendmentList,
    AmendmentPublic,
    ModerationMessage,
    ModerationNote,
    ModerationReason,
    SafeguardingConfirmation,
    SubmissionPatch,
)
from app.web.deps import (
    AmendmentDecisionsDep,
    AmendmentsDep,
    BaseUrlDep,
    ModeratorDep,
    PrincipalDep,
    SessionDep,
    SubmitterDep,
)
from app.web.preconditions import IfMatchDep, etag
from app.web.presenters import amendment_public
from app.web.routes.params import RecordId

router = APIRouter(prefix="/api/v1", tags=["amendments"])
AmendmentId = Annotated[int, Path(ge=1, le=2**62, description="The amendment's id")]


def _versioned(response: Response, amendment: AmendmentPublic) -> AmendmentPublic:
    response.headers["ETag"] = etag(amendment.version)
    return amendment


@router.post("/submissions/{record_id:int}/amendments", status_code=201)
def propose(
    session: SessionDep,
    principal: SubmitterDep,
    service: AmendmentsDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
    patch: SubmissionPatch,
    expected: IfMatchDep,
) -> JSONResponse:
    """Propose an amendment to a published case study: send only the fields to change. The
    published version stays in search, on its page and in feeds exactly as it is until a
    moderator publishes the amendment. If-Match names the case study's version you read (a 409
    if it changed, for example was unpublished); a case study has one open amendment at most.
    If it closely matches another published case study, say why both should stand in
    `duplicate_reason`: the moderators read it; it is never published."""
    revision = service.propose(
        session, principal, record_id, patch.model_dump(exclude_unset=True), expected
    )
    _, live = service.get(session, principal, revision.id or 0)
    body = amendment_public(revision, live, base_url)
    headers = {"Location": body.url, "ETag": etag(body.version)}
    return JSONResponse(body.model_dump(mode="json"), status_code=201, headers=headers)


@router.get("/submissions/{record_id:int}/amendments", response_model=AmendmentList)
def list_for_case_study(
    session: SessionDep,
    principal: PrincipalDep,
    service: AmendmentsDep,
    base_url: BaseUrlDep,
    record_id: RecordId,
) -> AmendmentList:
    """Every amendment proposed to a case study, newest first."""
    found = service.for_case_study(session, principal, record_id)
    results = [
        amendment_public(r, service.get(session, principal, r.id or 0)[1], base_url) for r in found
    ]
    return AmendmentList(total=len(results), page=1, per_page=len(results), results=results)


@router.get("/amendments/{amendment_id:int}", response_model=AmendmentPublic)
def read(
    session: SessionDep,
    principal: PrincipalDep,
    service: AmendmentsDep,
    base_url: BaseUrlDep,
    amendment_id: AmendmentId,
    response: Response,
) -> AmendmentPublic:
    """One amendment, its ETag its version; another council's is a 404."""
    revision, live = service.get(session, principal, amendment_id)
    return _versioned(response, amendment_public(revision, live, base_url))


@router.patch("/amendments/{amendment_id:int}", response_model=AmendmentPublic)
def amend(
    session: SessionDep,
    principal: SubmitterDep,
    service: AmendmentsDep,
    base_url: BaseUrlDep,
    amendment_id: AmendmentId,
    patch: SubmissionPatch,
    expected: IfMatchDep,
    response: Response,
) -> AmendmentPublic:
    """Change an open amendment (send only the fields to change); it goes (back) to the
    moderators as `submitted`, any safeguarding confirmation cleared. `duplicate_reason`
    replaces the word to the moderators on why it should stand beside a close match (null
    clears it)."""
    revision = service.amend(
        session, principal, amendment_id, patch.model_dump(exclude_unset=True), expected
    )
    _, live = service.get(session, principal, amendment_id)
    return _versioned(response, amendment_public(revision, live, base_url))


@router.delete("/amendments/{amendment_id:int}", response_model=AmendmentPublic)
def withdraw(
    session: SessionDep,
    principal: SubmitterDep,
    service: AmendmentsDep,
    base_url: BaseUrlDep,
    amendment_id: AmendmentId,
    expected: IfMatchDep,
    response: Response,
) -> AmendmentPublic:
    """Withdraw an open amendment; the published version stays as it is."""
    revision = service.withdraw(session, principal, amendment_id, expected)
    _, live = service.get(session, principal, amendment_id)
    return _versioned(response, amendment_public(revision, live, base_url))


@router.get("/moderation/amendments", response_model=AmendmentList)
def queue(
    session: SessionDep,
    principal: ModeratorDep,
    decisions: AmendmentDecisionsDep,
    service: AmendmentsDep,
    base_url: BaseUrlDep,
    status: Annotated[list[Status], Query(max_length=5)] = ["submitted"],  # noqa: B006
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> AmendmentList:
    """Amendments waiting for a decision, oldest first."""
    total, found = decisions.queue(session, principal, list(status), page, per_page)
    results = [
        amendment_public(r, service.get(session, principal, r.id or 0)[1], base_url) for r in found
    ]
    return AmendmentList(total=total, page=page, per_page=per_page, results=results)


class Decided:
    """What every moderator's decision on an amendment takes (the amendment at the version
    If-Match names) and answers with (the amendment, its ETag its version)."""

    def __init__(
        self,
        session: SessionDep,
        principal: ModeratorDep,
        decisions: AmendmentDecisionsDep,
        service: AmendmentsDep,
        base_url: BaseUrlDep,
        amendment_id: AmendmentId,
        expected: IfMatchDep,
        response: Response,
    ) -> None:
        self.session, self.principal, self.service = session, principal, service
        self.decisions, self.base_url, self.response = decisions, base_url, response
        self.amendment_id, self.expected = amendment_id, expected

    def __call__(self, decide: Callable[..., Any], words: str | None) -> AmendmentPublic:
        done = decide(self.session, self.principal, self.amendment_id, words, self.expected)
        revision, live = (
            done
            if isinstance(done, tuple)
            else (done, self.service.get(self.session, self.principal, self.amendment_id)[1])
        )
        return _versioned(self.response, amendment_public(revision, live, self.base_url))


DecidedDep = Annotated[Decided, Depends()]


@router.post("/moderation/amendments/{amendment_id:int}/publish", response_model=AmendmentPublic)
def publish(decided: DecidedDep, body: ModerationNote | None = None) -> AmendmentPublic:
    """Publish the amendment: the case study (same slug) takes its content, with `updated`
    today, and search shows it when this answers. A flagged one needs /confirm-safeguarding.
    Whoever wrote or changed the amendment may not publish it (403): another moderator must."""
    return decided(decided.decisions.publish, body.note if body else None)


@router.post(
    "/moderation/amendments/{amendment_id:int}/request-changes", response_model=AmendmentPublic
)
def request_changes(decided: DecidedDep, body: ModerationMessage) -> AmendmentPublic:
    """Send the amendment back to its council with what to change; the live version stays."""
    return decided(decided.decisions.request_changes, body.message)


@router.post("/moderation/amendments/{amendment_id:int}/reject", response_model=AmendmentPublic)
def reject(decided: DecidedDep, body: ModerationReason) -> AmendmentPublic:
    """Close the amendment with the reason the council will see; the live version stays."""
    return decided(decided.decisions.reject, body.reason)


@router.post(
    "/moderation/amendments/{amendment_id:int}/confirm-safeguarding",
    response_model=AmendmentPublic,
)
def confirm_safeguarding(decided: DecidedDep, body: SafeguardingConfirmation) -> AmendmentPublic:
    """Record that a moderator checked what the safeguarding check flagged in the amendment."""
    return decided(decided.decisions.confirm_safeguarding, body.note)
