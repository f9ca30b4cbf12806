"""Submitting a case study in the browser, for council officers: /submit says what makes a useful
case study and the safeguarding rules before any typing; the form saves drafts on the server and
shows, for the text as saved, the safeguarding findings at the words that caused them and the
tags the text suggests (with JavaScript, /submit/help tells the same as the officer writes).
An admin's drafts of changes to the campaign's own collection use the same pages."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core import drafting
from app.core.accounts import Account
from app.core.errors import Conflict, Invalid, NotFound
from app.services.drafts import DraftService, Help
from app.store.db import Session
from app.store.models import Draft
from app.web.deps import (
    AmendmentsDep,
    CouncilUserDep,
    DrafterDep,
    OptionalUserDep,
    SessionDep,
    SubmissionsDep,
    TaggerDep,
    VocabularyDep,
    csrf_protect,
)
from app.web.pages.draft_form import FIRST_OF, choices, desk, form_fields, help_context
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FieldsDep = Annotated[dict[str, Any], Depends(form_fields)]
Action = Annotated[str, Form(max_length=20)]
# The draft's version the form was read at: a save from an older one is refused, not lost.
ReadVersion = Annotated[int | None, Form(ge=1, le=2**31 - 1)]


def get_drafts(
    submissions: SubmissionsDep, tagger: TaggerDep, amendments: AmendmentsDep
) -> DraftService:
    return DraftService(submissions, tagger, amendments)


DraftsDep = Annotated[DraftService, Depends(get_drafts)]


def form_page(
    request: Request,
    vocabulary: VocabularyDep,
    account: Account,
    fields: dict[str, Any],
    found: Help,
    draft: Draft | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status_code: int = 422,
    read_version: int | None = None,
    checking: bool = False,
) -> Response:
    context = {
        "fields": fields,
        "draft": draft,
        "errors": errors or {},
        "first_of": FIRST_OF,
        "choices": choices(vocabulary),
        "sections": drafting.SECTIONS,
        "saved": saved,
        "action": f"/submit/drafts/{draft.id}" if draft else "/submit/new",
        "desk": desk(draft),
        "read_version": read_version or (draft.version if draft else None),
        "checking": checking,
        **help_context(fields, found),
    }
    return render(request, "submit_form.html", context, status_code if errors else 200)


def not_ready(
    request: Request,
    session: Session,
    drafts: DraftService,
    vocabulary: VocabularyDep,
    account: Account,
    draft: Draft,
    error: Invalid,
) -> Response:
    """The form again with what to fix (a browser), or the problem (anyone else)."""
    if not wants_html(request):
        raise error
    found = drafts.help_for(session, account.principal, draft, draft.fields)
    errors = field_errors(error, "title")
    return form_page(request, vocabulary, account, draft.fields, found, draft, errors)


@router.get("/submit")
def guidance(request: Request, account: OptionalUserDep) -> Response:
    return render(request, "submit_start.html")


@router.get("/submit/new")
def new(request: Request, vocabulary: VocabularyDep, account: CouncilUserDep) -> Response:
    return form_page(request, vocabulary, account, drafting.empty_fields(), Help())


@router.post("/submit/new")
def create(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    vocabulary: VocabularyDep,
    account: CouncilUserDep,
    fields: FieldsDep,
    action: Action = "save",
) -> Response:
    draft = drafts.start(session, account.principal, fields)
    return after_saving(request, session, drafts, vocabulary, account, draft, action)


@router.get("/submit/drafts/{draft_id}")
def edit(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    vocabulary: VocabularyDep,
    account: DrafterDep,
    draft_id: DraftId,
    saved: Annotated[bool, Query()] = False,
    checking: Annotated[bool, Query()] = False,  # from a "Change" link on check your answers
) -> Response:
    try:
        draft = drafts.get(session, account.principal, draft_id)
    except NotFound as error:
        return draft_gone(request, draft_id, error)
    found = drafts.help_for(session, account.principal, draft, draft.fields)
    return form_page(
        request, vocabulary, account, draft.fields, found, draft, saved=saved, checking=checking
    )


def draft_gone(request: Request, draft_id: int, error: NotFound) -> Response:
    """A bookmark to a draft since sent or deleted (or another council's, said the same way);
    a machine gets the problem document."""
    if not wants_html(request):
        raise error
    return render(request, "draft_gone.html", {"draft_id": draft_id}, status_code=404)


@router.post("/submit/drafts/{draft_id}")
def save(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    vocabulary: VocabularyDep,
    account: DrafterDep,
    draft_id: DraftId,
    fields: FieldsDep,
    action: Action = "save",
    version: ReadVersion = None,
) -> Response:
    try:
        draft = drafts.save(session, account.principal, draft_id, fields, version)
    except Conflict as error:  # the form again, as typed, with what happened
        if not wants_html(request):
            raise
        draft = drafts.get(session, account.principal, draft_id)
        found = drafts.help_for(session, account.principal, draft, fields)
        errors = {"version": error.detail}
        return form_page(
            request, vocabulary, account, fields, found, draft, errors, False, 409, version
        )
    return after_saving(request, session, drafts, vocabulary, account, draft, action)


def after_saving(
    request: Request,
    session: Session,
    drafts: DraftService,
    vocabulary: VocabularyDep,
    account: Account,
    draft: Draft,
    action: str,
) -> Response:
    """ "Save as draft" comes back to the form; "Continue" goes on to check the answers, or
    back to the form with what to fix."""
    if action not in ("save", "continue"):
        raise Invalid('Press "Save as draft" or "Continue".')
    if action == "continue":
        try:
            drafting.check(draft.fields, drafts.council_of(session, account.principal, draft))
        except Invalid as error:
            return not_ready(request, session, drafts, vocabulary, account, draft, error)
        return RedirectResponse(f"/submit/drafts/{draft.id}/check", status_code=303)
    return RedirectResponse(f"/submit/drafts/{draft.id}?saved=true", status_code=303)


@router.post("/submit/help")
def live_help(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    account: DrafterDep,
    fields: FieldsDep,
    draft: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The help for the text in the form now, as the piece of page the form shows it in; for
    a draft (`draft`), as that draft's (a change is no duplicate of what it changes)."""
    if draft is None:
        found = drafts.help(session, fields)
    else:
        found = drafts.help_for(
            session, account.principal, drafts.get(session, account.principal, draft), fields
        )
    return render(request, "_submit_help.html", help_context(fields, found))
