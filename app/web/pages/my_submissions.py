"""A council user's submissions: /my/submissions lists their council's, newest first, with each
one's state; /my/submissions/{id} shows one with its history and the moderators' last message.
Another council's submission is a 404, as in the API."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from app.web.deps import CouncilUserDep, SessionDep, SubmissionsDep, csrf_protect
from app.web.pages.rendering import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PER_PAGE = 25
STATES = {  # the words and the GOV.UK tag colour of each state
    "submitted": ("Waiting for review", "blue"),
    "changes_requested": ("Changes requested", "orange"),
    "published": ("Published", "green"),
    "rejected": ("Rejected", "red"),
    "withdrawn": ("Withdrawn", "grey"),
}
ACTIONS = {
    "submitted": "Submitted",
    "amended": "Amended",
    "withdrawn": "Withdrawn",
    "published": "Published",
    "changes_requested": "Changes requested",
    "rejected": "Rejected",
    "unpublished": "Unpublished",
    "safeguarding_confirmed": "Safeguarding check confirmed",
    "reviewed": "Checked: still current",
    "update_needed": "Needs an update",
}


@router.get("/my/submissions")
def my_submissions(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    account: CouncilUserDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    total, rows = service.find(session, account.principal, [], None, page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    context = {"rows": rows, "total": total, "page": page, "pages": pages, "states": STATES}
    return render(request, "my_submissions.html", context)


@router.get("/my/submissions/{record_id}")
def my_submission(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    account: CouncilUserDep,
    record_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    row = service.get(session, account.principal, record_id)
    history = service.history(session, account.principal, record_id)
    context = {
        "row": row,
        "events": list(reversed(history.events)),
        "states": STATES,
        "actions": ACTIONS,
    }
    return render(request, "my_submission.html", context)
