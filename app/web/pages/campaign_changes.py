"""Changing a case study of the campaign's own collection in the browser: its changes page
(/moderation/case-studies/{id}/changes) says whether changes are open, in progress or waiting
for a moderator, and lets an admin (the role that may change a campaign case study's amendment,
as in the API) start or carry on the draft of them in the councils' form. Sending the draft
changes the amendment at the version it was started from; a moderator then reviews and
publishes it at /moderation/amendments/{id}, and nothing is public before that."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.errors import NotFound
from app.services.workflow import PUBLISHED
from app.web.deps import (
    AccountsDep,
    AdminUserDep,
    AmendmentsDep,
    ModeratorUserDep,
    SessionDep,
    SubmissionsDep,
    csrf_protect,
)
from app.web.pages.actors import actor_names
from app.web.pages.moderation_nav import render_moderation
from app.web.pages.my_submissions import STATES, RecordId
from app.web.pages.submit import DraftsDep

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/moderation/case-studies/{record_id}/changes")
def changes_page(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    amendments: AmendmentsDep,
    drafts: DraftsDep,
    people: AccountsDep,
    account: ModeratorUserDep,
    record_id: RecordId,
    deleted: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    row = service.get(session, account.principal, record_id)
    if row.owner_council is not None:  # a council's: its council changes it
        raise NotFound(f"No case study {record_id} of the campaign's own collection.")
    found = amendments.for_case_study(session, account.principal, record_id)
    amendment = amendments.open_one(session, record_id) if row.status == PUBLISHED else None
    draft = drafts.campaign_draft(session, record_id)
    context = {
        "row": row,
        "who": actor_names(session, people),
        "amendment": amendment,
        "last_changes": found[0] if found and amendment is None else None,
        "draft": draft,
        # Started from a version that is no longer current: it can no longer be sent, and
        # pressing the button starts again, so the page says so and links to it to copy from.
        "outdated": drafts.outdated(session, row, draft),
        "states": STATES,
        "may_change": account.role == "admin",
        "deleted": deleted == "draft",
    }
    return render_moderation(request, "campaign_changes.html", "/moderation/stale", context)


@router.post("/moderation/case-studies/{record_id}/changes")
def start(
    session: SessionDep, drafts: DraftsDep, account: AdminUserDep, record_id: RecordId
) -> Response:
    """Start (or go back to) the draft of the changes, from the open amendment as it is now
    (or the published version, to propose them)."""
    draft = drafts.start_amendment(session, account.principal, record_id)
    return RedirectResponse(f"/submit/drafts/{draft.id}", status_code=303)
