"""A moderator's decisions in the browser, each in two steps: the review page's button opens a
page that says what will happen (and asks for the message or reason), and its button decides.

Every form carries the version that was on screen, and the decision applies to that version or
to nothing: if someone changed the submission meanwhile, the moderator gets a page saying so,
with a link to the new version, never a silent overwrite."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from app.core.errors import Conflict, NotFound
from app.core.principals import Principal
from app.core.submissions import (
    ModerationMessage,
    ModerationNote,
    ModerationReason,
    SafeguardingConfirmation,
)
from app.services.accounts import AccountService
from app.services.review import ReviewService
from app.services.workflow import OWN_WORK
from app.store.db import Session
from app.store.models import CaseStudy
from app.web.deps import (
    AccountsDep,
    ModerationDep,
    ModeratorUserDep,
    ReviewDep,
    SessionDep,
    SubmissionsDep,
    csrf_protect,
)
from app.web.pages.actors import actor_names
from app.web.pages.moderation_nav import render_moderation
from app.web.pages.my_submissions import ACTIONS as DONE
from app.web.pages.my_submissions import STATES

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Version = Annotated[int, Query(ge=1, le=2**31 - 1)]


@dataclass(frozen=True)
class Decision:
    button: str  # on the review page and the confirm page
    question: str  # the confirm page's heading
    outcome: str  # what happens, in a sentence
    states: tuple[str, ...]  # where it may be taken from
    field: str | None  # the words it asks for, and the model that checks them
    model: type[BaseModel]
    label: str = ""
    hint: str = ""
    warning: bool = False


ACTIONS = {
    "confirm-safeguarding": Decision(
        "Confirm the safeguarding check",
        "Confirm the safeguarding check",
        "The record shows that you checked what was found in this version. An amendment "
        "clears the confirmation.",
        ("submitted", "changes_requested"),
        "note",
        SafeguardingConfirmation,
        "What did you check?",
        "For the record: for example, that the names are invented or that the family agreed.",
    ),
    "publish": Decision(
        "Publish",
        "Publish this case study?",
        "It will be in search and on its own page at once, for anyone to read.",
        ("submitted",),
        "note",
        ModerationNote,
        "Note for the record (optional)",
    ),
    "request-changes": Decision(
        "Request changes",
        "Request changes",
        "It goes back to the council with your message. When they amend it, it comes back "
        "to this queue.",
        ("submitted",),
        "message",
        ModerationMessage,
        "What should the council change?",
        "The council sees this message exactly as you write it.",
    ),
    "reject": Decision(
        "Reject submission",
        "Reject this submission?",
        "The council sees your reason. A rejected submission cannot be amended or published.",
        ("submitted", "changes_requested"),
        "reason",
        ModerationReason,
        "Why is it rejected?",
        "The council sees this reason exactly as you write it.",
        warning=True,
    ),
    "unpublish": Decision(
        "Unpublish",
        "Unpublish this case study?",
        "It leaves search and its page at once, and goes back to the council with your reason "
        "so they can amend it.",
        ("published",),
        "reason",
        ModerationReason,
        "Why is it unpublished?",
        "The council sees this reason exactly as you write it.",
        warning=True,
    ),
}


def open_to(row: CaseStudy, needs_confirmation: bool, written: bool = False) -> list[str]:
    """The decisions a moderator may take on the record as it is now (`written`: by the reader,
    who may not publish their own words)."""
    found = [name for name, d in ACTIONS.items() if row.status in d.states]
    if not row.safeguarding_findings or not needs_confirmation:
        found = [a for a in found if a != "confirm-safeguarding"]
    if needs_confirmation or written:
        found = [a for a in found if a != "publish"]
    return found


def _decision(action: str) -> Decision:
    if action not in ACTIONS:
        raise NotFound(f"There is no decision called {action!r}.")
    return ACTIONS[action]


def _page(
    request: Request,
    action: str,
    row: CaseStudy,
    version: int,
    words: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    unpublished: bool = False,
) -> Response:
    context: dict[str, Any] = {
        "unpublished": unpublished,
        "action": action,
        "decision": ACTIONS[action],
        "row": row,
        "version": version,
        "words": words,
        "errors": errors or {},
        "states": STATES,
    }
    return render_moderation(request, "moderation_decide.html", "/moderation", context, status_code)


@dataclass(frozen=True)
class Since:
    """What a decision that came too late needs to say what came first, and who did it."""

    session: Session
    reviews: ReviewService
    people: AccountService
    principal: Principal

    def changed(
        self, request: Request, row: CaseStudy, version: int, action: str, unpublished: bool
    ) -> Response:
        """Someone else changed it: say what they did and who, and offer the version there is
        now."""
        context = {"row": row, "version": version, "decision": ACTIONS[action], "states": STATES}
        context |= {"unpublished": unpublished, **self.told(row.id or 0, version)}
        return render_moderation(request, "moderation_changed.html", "/moderation", context, 409)

    def told(self, record_id: int, version: int, amendment_id: int | None = None) -> dict[str, Any]:
        """The page's list of what came first: the events, their words and their actors' names
        (of the case study, or of the proposed changes `amendment_id`)."""
        since = self.reviews.since(self.session, self.principal, record_id, version, amendment_id)
        return {"since": since, "done": DONE, "who": actor_names(self.session, self.people)}


def _since(
    session: SessionDep, reviews: ReviewDep, people: AccountsDep, account: ModeratorUserDep
) -> Since:
    return Since(session, reviews, people, account.principal)


SinceDep = Annotated[Since, Depends(_since)]


def _not_now(request: Request, row: CaseStudy, action: str, why: str) -> Response:
    context = {"row": row, "decision": ACTIONS[action], "why": why, "states": STATES}
    return render_moderation(request, "moderation_not_now.html", "/moderation", context, 409)


# Where a record is, and where a decision may be taken from, in the pages' words.
IS = {
    "submitted": "is waiting for review",
    "changes_requested": "has changes requested, so it is back with the council to amend",
    "published": "is published",
    "rejected": "was rejected",
    "withdrawn": "was withdrawn by the council",
}
UNPUBLISHED = "is unpublished, so it is back with the council to amend"
FROM = {
    "submitted": "waiting for review",
    "changes_requested": "back with the council to amend",
    "published": "published",
}
VERBS = {"confirm-safeguarding": "confirm the safeguarding check on", "request-changes":
         "request changes to"}  # fmt: skip


def why_not(
    row: CaseStudy, action: str, written: bool = False, unpublished: bool = False
) -> str | None:
    """In plain words, why this decision cannot be taken on the record as it is (`written`: by
    the reader; `unpublished`: sent back by an unpublishing, which the pages call so)."""
    decision = ACTIONS[action]
    if row.status not in decision.states:
        now = UNPUBLISHED if unpublished else IS.get(row.status, f"is {row.status}")
        allowed = " or ".join(FROM[s] for s in decision.states)
        verb = VERBS.get(action, action)
        return f"This case study {now}. You can only {verb} a case study that is {allowed}."
    if action == "publish" and written:
        return OWN_WORK
    if (
        action == "publish"
        and row.safeguarding_findings
        and row.safeguarding_checked_version is None
    ):
        return "The safeguarding check found something in this version: confirm the check first."
    return None


@router.get("/moderation/submissions/{record_id}/{action}")
def confirm_page(
    request: Request,
    session: SessionDep,
    submissions: SubmissionsDep,
    account: ModeratorUserDep,
    since: SinceDep,
    record_id: RecordId,
    action: Annotated[str, Path(max_length=40)],
    version: Version,
) -> Response:
    _decision(action)
    row = submissions.get(session, account.principal, record_id)
    unpublished = bool(submissions.unpublished(session, [row]))  # its state, in the pages' words
    if row.version != version:
        return since.changed(request, row, version, action, unpublished)
    why = why_not(row, action, unpublished=unpublished)
    if why:
        return _not_now(request, row, action, why)
    return _page(request, action, row, version, unpublished=unpublished)


@router.post("/moderation/submissions/{record_id}/{action}")
def decide(
    request: Request,
    session: SessionDep,
    submissions: SubmissionsDep,
    moderation: ModerationDep,
    account: ModeratorUserDep,
    since: SinceDep,
    record_id: RecordId,
    action: Annotated[str, Path(max_length=40)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    words: Annotated[str, Form()] = "",
) -> Response:
    decision = _decision(action)
    row = submissions.get(session, account.principal, record_id)
    try:
        checked = decision.model.model_validate({decision.field: words.strip() or None})
    except ValidationError as error:
        errors = {"words": in_words(decision, error)}
        unpublished = bool(submissions.unpublished(session, [row]))
        return _page(request, action, row, version, words, errors, 422, unpublished)
    text: Any = getattr(checked, decision.field or "note")
    principal, expected = account.principal, frozenset({version})
    try:
        if action == "publish":
            moderation.publish(session, principal, record_id, text, expected)
        elif action == "request-changes":
            moderation.request_changes(session, principal, record_id, text, expected)
        elif action == "reject":
            moderation.reject(session, principal, record_id, text, expected)
        elif action == "unpublish":
            moderation.unpublish(session, principal, record_id, text, expected)
        else:
            moderation.confirm_safeguarding(session, principal, record_id, text, expected)
    except Conflict:
        session.rollback()
        now = submissions.get(session, principal, record_id)
        if now.version != version:
            unpublished = bool(submissions.unpublished(session, [now]))
            return since.changed(request, now, version, action, unpublished)
        unpublished = bool(submissions.unpublished(session, [now]))
        why = why_not(now, action, unpublished=unpublished) or "It is not open to it."
        return _not_now(request, now, action, why)
    return RedirectResponse(f"/moderation/submissions/{record_id}?done={action}", status_code=303)


def in_words(decision: Decision, error: ValidationError) -> str:
    """Pydantic's complaint about the message, as GOV.UK's error messages put it."""
    what = (decision.label or "Your words").rstrip("?").removesuffix(" (optional)")
    kind = error.errors()[0]["type"]
    ctx = error.errors()[0].get("ctx") or {}
    if kind in ("string_type", "missing") or kind == "string_too_short" and not ctx:
        return f"Enter {_object(decision)}"
    if kind == "string_too_short":
        return f"{_subject(decision)} must be {ctx['min_length']} characters or more"
    if kind == "string_too_long":
        return f"{_subject(decision)} must be {ctx['max_length']} characters or fewer"
    return f"{what}: {error.errors()[0]['msg']}"


def _object(decision: Decision) -> str:
    return {"message": "a message for the council", "reason": "the reason, for the council"}.get(
        decision.field or "", "what you checked"
    )


def _subject(decision: Decision) -> str:
    return {"message": "The message", "reason": "The reason"}.get(decision.field or "", "The note")
