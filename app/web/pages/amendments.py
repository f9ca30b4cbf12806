"""Moderators' pages for changes councils propose to published case studies: the list at
/moderation/amendments, the review of one (the review page, with what it changes against the
published version) and its decisions in two steps, as for a submission (`decisions`): publish,
request changes, reject, confirm the safeguarding check, each at the version on screen. The
published version stays public until the changes are published."""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.core.errors import Conflict, Forbidden, NotFound
from app.core.principals import Principal
from app.services.review import KINDS, Review
from app.store.db import Session
from app.web.deps import (
    AccountsDep,
    AmendmentDecisionsDep,
    AmendmentsDep,
    ModeratorUserDep,
    ReviewDep,
    SessionDep,
    VocabularyDep,
    csrf_protect,
)
from app.web.pages import decisions
from app.web.pages.actors import actor_names
from app.web.pages.moderation import vocabulary_name
from app.web.pages.moderation_nav import render_moderation
from app.web.pages.my_submissions import ACTIONS, STATES

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
AmendmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Action = Annotated[str, Path(max_length=40)]
ALLOWED = ("publish", "request-changes", "reject", "confirm-safeguarding")
WORDS = {  # what each decision does to proposed changes, in place of a submission's words
    "publish": replace(
        decisions.ACTIONS["publish"],
        question="Publish these changes?",
        outcome="The published case study takes these changes at once: its page and search "
        "show them, for anyone to read.",
    ),
    "request-changes": replace(
        decisions.ACTIONS["request-changes"],
        outcome="The changes go back to the council with your message. The published version "
        "stays as it is meanwhile.",
    ),
    "reject": replace(
        decisions.ACTIONS["reject"],
        button="Reject changes",
        question="Reject these changes?",
        outcome="The council sees your reason. The published version stays as it is.",
    ),
    "confirm-safeguarding": decisions.ACTIONS["confirm-safeguarding"],
}
DONE = {  # the banner after a decision
    "publish": "Published: the case study shows the changes now",
    "request-changes": "Changes requested: the council can see your message",
    "reject": "Rejected: the published version stays as it is",
    "confirm-safeguarding": "Safeguarding check confirmed",
}


@router.get("/moderation/amendments")
def waiting(
    request: Request,
    session: SessionDep,
    decided: AmendmentDecisionsDep,
    amendments: AmendmentsDep,
    account: ModeratorUserDep,
) -> Response:
    total, found = decided.queue(session, account.principal, ["submitted"], 1, 100)
    rows = [(r, amendments.get(session, account.principal, r.id or 0)[1]) for r in found]
    context = {"rows": rows, "total": total, "states": STATES}
    return render_moderation(request, "moderation_amendments.html", "/moderation", context)


def _review(
    session: Session, principal: Principal, service: Any, amendments: Any, amendment_id: int
) -> Review:
    revision, live = amendments.get(session, principal, amendment_id)
    found: Review = service.review_amendment(session, principal, revision, live)
    return found


@router.get("/moderation/amendments/{amendment_id}")
def review(
    request: Request,
    session: SessionDep,
    service: ReviewDep,
    amendments: AmendmentsDep,
    vocabulary: VocabularyDep,
    people: AccountsDep,
    account: ModeratorUserDep,
    amendment_id: AmendmentId,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    revision, live = amendments.get(session, account.principal, amendment_id)
    found: Review = service.review_amendment(session, account.principal, revision, live)
    row = found.row
    allowed = decisions.open_to(row, found.needs_confirmation, found.written_by_reader)
    open_to = [a for a in allowed if a in ALLOWED]
    context = {
        "review": found,
        "row": row,
        "published_title": live.title,  # the link to the public page says it
        "amending": True,
        "base": f"/moderation/amendments/{amendment_id}",
        "states": STATES,
        "actions": ACTIONS,
        "decisions": [(a, WORDS[a]) for a in open_to],
        "label": vocabulary.label,
        "kinds": {k: vocabulary_name(k) for k in KINDS},
        "evidence": vocabulary.find("evidence", found.content.evidence),
        "who": actor_names(session, people),
        "done": DONE.get(done),
    }
    return render_moderation(request, "moderation_review.html", "/moderation", context)


def _decision(action: str) -> decisions.Decision:
    if action not in WORDS:
        raise NotFound(f"There is no decision called {action!r} for proposed changes.")
    return WORDS[action]


def _render(request: Request, template: str, status: int, **context: Any) -> Response:
    context = {"states": STATES, "amending": True, **context}
    return render_moderation(request, template, "/moderation", context, status)


@router.get("/moderation/amendments/{amendment_id}/{action}")
def confirm_page(
    request: Request,
    session: SessionDep,
    service: ReviewDep,
    amendments: AmendmentsDep,
    account: ModeratorUserDep,
    since: decisions.SinceDep,
    amendment_id: AmendmentId,
    action: Action,
    version: decisions.Version,
) -> Response:
    decision = _decision(action)
    found = _review(session, account.principal, service, amendments, amendment_id)
    row, base = found.row, f"/moderation/amendments/{amendment_id}"
    common = {"row": row, "decision": decision, "base": base}
    if row.version != version:
        told = since.told(row.id or 0, version, amendment_id)
        return _render(request, "moderation_changed.html", 409, version=version, **common, **told)
    why = decisions.why_not(row, action, found.written_by_reader)
    if why:
        status = 403 if found.written_by_reader and action == "publish" else 409
        return _render(request, "moderation_not_now.html", status, why=why, **common)
    return _render(
        request, "moderation_decide.html", 200, action=action, version=version, words="",
        errors={}, **common,
    )  # fmt: skip


@router.post("/moderation/amendments/{amendment_id}/{action}")
def decide(
    request: Request,
    session: SessionDep,
    service: ReviewDep,
    amendments: AmendmentsDep,
    decided: AmendmentDecisionsDep,
    account: ModeratorUserDep,
    since: decisions.SinceDep,
    amendment_id: AmendmentId,
    action: Action,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    words: Annotated[str, Form()] = "",
) -> Response:
    decision = _decision(action)
    principal, base = account.principal, f"/moderation/amendments/{amendment_id}"
    try:
        checked = decision.model.model_validate({decision.field: words.strip() or None})
    except ValidationError as error:
        row = _review(session, principal, service, amendments, amendment_id).row
        return _render(
            request, "moderation_decide.html", 422, action=action, version=version, words=words,
            errors={"words": decisions.in_words(decision, error)}, row=row, decision=decision,
            base=base,
        )  # fmt: skip
    text: Any = getattr(checked, decision.field or "note")
    expected = frozenset({version})
    try:  # the service's method of the decision's name: `_decision` knows it is one
        getattr(decided, action.replace("-", "_"))(session, principal, amendment_id, text, expected)
    except Forbidden as error:  # the writer's own words (the page offered no such button)
        session.rollback()
        row = _review(session, principal, service, amendments, amendment_id).row
        common = {"row": row, "decision": decision, "base": base}
        return _render(request, "moderation_not_now.html", 403, why=error.detail, **common)
    except Conflict as error:
        session.rollback()
        now = _review(session, principal, service, amendments, amendment_id).row
        common = {"row": now, "decision": decision, "base": base}
        if now.version != version:
            told = since.told(now.id or 0, version, amendment_id)
            return _render(
                request, "moderation_changed.html", 409, version=version, **common, **told
            )
        why = decisions.why_not(now, action) or error.detail
        return _render(request, "moderation_not_now.html", 409, why=why, **common)
    return RedirectResponse(f"{base}?done={action}", status_code=303)
