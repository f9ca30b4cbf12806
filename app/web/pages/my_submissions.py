"""A council user's submissions: /my/submissions lists their council's drafts and submissions
in sections, what waits on the officer first (sent back, and proposed changes sent back), then
what waits on the moderators, what is published, drafts, and what is closed, each newest first
with its state (a long section shows its first few and links to all of it, `?state=`).
/my/submissions/{id} shows one with its history, the moderators' last message and what was sent
(read-only, its body rendered as the published page renders it), and while it
is open it can be changed (through a draft of the amendment) or withdrawn, and once published,
changes to it can be proposed (the published version stays public until a moderator publishes
them) or withdrawn, each at the version shown. Another council's submission is a 404, as in
the API."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.errors import Conflict, NotFound
from app.services.amendments import as_sent
from app.services.workflow import OPEN, PUBLISHED
from app.store.models import CaseStudy
from app.web.deps import (
    AccountsDep,
    AmendmentsDep,
    CouncilUserDep,
    SessionDep,
    SubmissionsDep,
    VocabularyDep,
    csrf_protect,
)
from app.web.pages.actors import council_names
from app.web.pages.case_studies import rendered_body
from app.web.pages.draft_form import in_plain_words
from app.web.pages.rendering import render
from app.web.pages.submit import DraftsDep

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PER_PAGE = 25
FIRST = 10  # of each section on the whole list


@dataclass(frozen=True)
class Section:
    key: str  # its `?state=` and its heading's id
    heading: str
    statuses: tuple[str, ...]  # none: the drafts, or the proposed changes sent back
    hint: str


SECTIONS = (
    Section(
        "changes_requested",
        "Sent back to you",
        ("changes_requested",),
        "The moderators asked for changes or unpublished these: amend and resubmit each one.",
    ),
    Section(
        "changes_sent_back",
        "Proposed changes sent back to you",
        (),
        "The moderators asked for changes to what you proposed; the published case study stays"
        " as it is. Change what you proposed and send it again, or withdraw it.",
    ),
    Section(
        "submitted", "Waiting for review", ("submitted",), "The moderators will decide on these."
    ),
    Section("published", "Published", ("published",), "On the site for anyone to read."),
    Section("drafts", "Drafts", (), "Not sent yet, most recently changed first."),
    Section("closed", "Rejected or withdrawn", ("rejected", "withdrawn"), ""),
)
KEYS = {section.key for section in SECTIONS}
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
    "amendment_proposed": "Changes proposed to the published case study",
    "amendment_amended": "Proposed changes changed",
    "amendment_withdrawn": "Proposed changes withdrawn",
    "amendment_published": "Proposed changes published",
    "amendment_changes_requested": "Changes requested to the proposed changes",
    "amendment_rejected": "Proposed changes rejected",
}


@router.get("/my/submissions")
def my_submissions(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    account: CouncilUserDep,
    drafts: DraftsDep,
    amendments: AmendmentsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    state: Annotated[str | None, Query(max_length=20)] = None,
    deleted: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    if state is not None and state not in KEYS:
        raise NotFound("There is no such list of submissions: see all your submissions.")
    per_page, page = (PER_PAGE, page) if state else (FIRST, 1)
    shown: list[dict[str, Any]] = []
    rows: list[CaseStudy] = []
    for section in SECTIONS:
        if state not in (None, section.key):
            continue
        if section.statuses:
            statuses = list(section.statuses)
            total, found = service.find(session, account.principal, statuses, None, page, per_page)
            rows += found
            items: list[Any] = found
        elif section.key == "changes_sent_back":
            total, found = amendments.sent_back(session, account.principal, page, per_page)
            rows += found
            items = found
        else:
            every = drafts.list(session, account.principal)
            total, items = len(every), every[(page - 1) * per_page : page * per_page]
            # A draft of changes says which case study, and its state: titles repeat
            amended = [
                service.get(session, account.principal, d.amends_id) for d in items if d.amends_id
            ]
            rows += amended
        if total:
            shown.append({"section": section, "total": total, "items": items})
    pages = max(1, -(-shown[0]["total"] // PER_PAGE)) if state and shown else 1
    context = {
        "sections": shown,
        "state": state,
        "first": FIRST,
        "changes": amendments.open_for_each(session, rows),
        "rows": {row.id: row for row in rows},
        "page": page,
        "pages": pages,
        "page_link": lambda n: f"/my/submissions?state={state}&page={n}",
        "states": STATES,
        "unpublished": service.unpublished(session, rows),
        "deleted": deleted == "draft",
    }
    return render(request, "my_submissions.html", context)


@router.get("/my/submissions/{record_id}")
def my_submission(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    account: CouncilUserDep,
    record_id: RecordId,
    amendments: AmendmentsDep,
    drafts: DraftsDep,
    people: AccountsDep,
    vocabulary: VocabularyDep,
    withdrawn: Annotated[bool, Query()] = False,
    changes: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    row = service.get(session, account.principal, record_id)
    history = service.history(session, account.principal, record_id)
    amendment = amendments.open_one(session, record_id) if row.status == PUBLISHED else None
    proposed = amendments.for_case_study(session, account.principal, record_id)
    draft = drafts.change_draft(session, row)
    last_changes = proposed[0] if proposed and amendment is None else None
    # What was sent, read-only: the submission until it is published, then the proposed changes,
    # open or closed (published, rejected or withdrawn: the officer may want them again).
    sent = None
    if row.status != PUBLISHED:
        sent = as_sent(row)
    elif amendment or last_changes:
        sent = as_sent(row, amendment or last_changes)
    context = {
        "sent": sent,
        "sent_html": rendered_body(sent.body) if sent else ("", ""),
        "label": vocabulary.label,
        "row": row,
        "amendment": amendment,
        "last_changes": last_changes,
        "changes_withdrawn": changes == "withdrawn",
        "events": list(reversed(history.events)),
        "who": council_names(session, people),
        "draft": draft,
        "outdated": drafts.outdated(session, row, draft),
        "states": STATES,
        "unpublished": bool(service.unpublished(session, [row])),
        "actions": ACTIONS,
        "open": row.status in OPEN,
        "withdrawn": withdrawn and row.status == "withdrawn",
    }
    return render(request, "my_submission.html", context)


@router.post("/my/submissions/{record_id}/amend")
def amend(
    session: SessionDep,
    drafts: DraftsDep,
    account: CouncilUserDep,
    record_id: RecordId,
) -> Response:
    """Start (or go back to) the draft of a change, from the version as it is now."""
    draft = drafts.start_amendment(session, account.principal, record_id)
    return RedirectResponse(f"/submit/drafts/{draft.id}", status_code=303)


@router.get("/my/submissions/{record_id}/withdraw")
def withdraw_question(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    account: CouncilUserDep,
    record_id: RecordId,
) -> Response:
    row = service.get(session, account.principal, record_id)
    return render(request, "withdraw.html", {"row": row})


@router.post("/my/submissions/{record_id}/withdraw")
def withdraw(
    session: SessionDep,
    service: SubmissionsDep,
    account: CouncilUserDep,
    record_id: RecordId,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
) -> Response:
    """Withdraw the version the officer saw; a Conflict (in plain words) if it changed."""
    try:
        service.withdraw(session, account.principal, record_id, {version})
    except Conflict as error:
        raise in_plain_words(error, record_id) from None
    return RedirectResponse(f"/my/submissions/{record_id}?withdrawn=true", status_code=303)


@router.get("/my/submissions/{record_id}/changes/withdraw")
def withdraw_changes_question(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    amendments: AmendmentsDep,
    account: CouncilUserDep,
    record_id: RecordId,
) -> Response:
    row = service.get(session, account.principal, record_id)
    amendment = amendments.open_one(session, record_id)
    if amendment is None:
        return RedirectResponse(f"/my/submissions/{record_id}", status_code=303)
    return render(request, "withdraw_changes.html", {"row": row, "amendment": amendment})


@router.post("/my/submissions/{record_id}/changes/withdraw")
def withdraw_changes(
    session: SessionDep,
    amendments: AmendmentsDep,
    account: CouncilUserDep,
    record_id: RecordId,
    amendment: Annotated[int, Form(ge=1, le=2**31 - 1)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
) -> Response:
    """Withdraw the proposed changes at the version the officer saw; the published case study
    stays as it is."""
    _, live = amendments.get(session, account.principal, amendment)
    if live.id != record_id:
        raise NotFound("No such proposed changes to this case study.")
    try:
        amendments.withdraw(session, account.principal, amendment, {version})
    except Conflict as error:
        raise in_plain_words(error, record_id) from None
    return RedirectResponse(f"/my/submissions/{record_id}?changes=withdrawn", status_code=303)
