"""The moderators' queue at /moderation (filtered by state, council and safeguarding flags,
oldest first) and the review page of one submission at /moderation/submissions/{id}: the text
as it will be published with the findings marked, the last amendment's changes, proposed tags,
near duplicates, the history, and the decisions open to it.

Council users get 403 on every one of these pages; nobody signed in is sent to sign in."""

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from app.core.content import Status
from app.services.review import KINDS
from app.web.deps import (
    AccountsDep,
    AmendmentDecisionsDep,
    ModeratorUserDep,
    ReviewDep,
    SessionDep,
    SubmissionsDep,
    VocabularyDep,
    csrf_protect,
)
from app.web.pages.actors import actor_names
from app.web.pages.decisions import ACTIONS as DECISIONS
from app.web.pages.decisions import open_to
from app.web.pages.moderation_nav import render_moderation
from app.web.pages.my_submissions import ACTIONS, STATES

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PER_PAGE = 25
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Flag = Literal["", "yes", "no"]
DONE = {  # the banner after a decision, while that decision is still the latest event
    "publish": ("published", "Published: it is in search now"),
    "request-changes": ("changes_requested", "Changes requested: the council can see your message"),
    "reject": ("rejected", "Rejected: the council can see your reason"),
    "unpublish": ("unpublished", "Unpublished: it is out of search and back with the council"),
    "confirm-safeguarding": ("safeguarding_confirmed", "Safeguarding check confirmed"),
}


@router.get("/moderation")
def queue(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    decided: AmendmentDecisionsDep,
    account: ModeratorUserDep,
    state: Annotated[list[Status], Query(max_length=5)] = [],  # noqa: B006
    council: Annotated[str, Query(max_length=300)] = "",
    flagged: Annotated[Flag, Query()] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    states: list[str] = list(state) or ["submitted"]
    wants = {"yes": True, "no": False}.get(flagged)
    total, rows = service.find(
        session, account.principal, states, council or None, page, PER_PAGE, True, wants
    )
    pages = max(1, -(-total // PER_PAGE))
    chosen = [("state", s) for s in states] + [("council", council), ("flagged", flagged)]
    link = [(k, v) for k, v in chosen if v]
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "states": STATES,
        "unpublished": service.unpublished(session, rows),
        "chosen": {"state": states, "council": council, "flagged": flagged},
        "councils": service.councils(session, account.principal),
        "amendments_waiting": decided.queue(session, account.principal, ["submitted"], 1, 1)[0],
        "page_link": lambda n: "/moderation?" + urlencode([*link, ("page", n)]),
    }
    return render_moderation(request, "moderation_queue.html", "/moderation", context)


@router.get("/moderation/submissions/{record_id}")
def review(
    request: Request,
    session: SessionDep,
    service: ReviewDep,
    vocabulary: VocabularyDep,
    people: AccountsDep,
    account: ModeratorUserDep,
    record_id: RecordId,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    found = service.review(session, account.principal, record_id)
    event, banner = DONE.get(done, ("", None))
    latest = found.events[0][1].action if found.events else None
    # Sent back to the council by a request for changes or by unpublishing: the later says which.
    back = (e.action for _, e in found.events if e.action in ("changes_requested", "unpublished"))
    context = {
        "review": found,
        "row": found.row,
        "states": STATES,
        "unpublished": next(back, None) == "unpublished",
        "actions": ACTIONS,
        "decisions": [
            (a, DECISIONS[a])
            for a in open_to(found.row, found.needs_confirmation, found.written_by_reader)
        ],
        "label": vocabulary.label,
        "kinds": {k: vocabulary_name(k) for k in KINDS},
        "evidence": vocabulary.find("evidence", found.content.evidence),
        "who": actor_names(session, people),
        "done": banner if latest == event else None,
    }
    return render_moderation(request, "moderation_review.html", "/moderation", context)


def vocabulary_name(kind: str) -> str:
    return {"priority_areas": "Priority areas", "age_bands": "Ages", "themes": "Themes"}[kind]
