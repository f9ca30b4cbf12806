"""Submitting a case study in the browser, for council officers: /submit says what makes a useful
case study and the safeguarding rules before any typing; the form (the writing here, then the
tags on their own page) saves drafts on the server and shows, for the text as
saved, the safeguarding findings at the words that caused them (with JavaScript, /submit/help
tells the same as the officer writes). Each page saves its own fields and shows its own errors.
An admin's drafts of changes to the campaign's own collection use the same pages."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core import drafting
from app.core.accounts import Account
from app.core.errors import Conflict, Invalid, NotFound
from app.core.vocabulary import Vocabulary
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
from app.web.pages.draft_form import (
    FIRST_OF,
    ON_PAGE,
    TAGS,
    WRITING,
    choices,
    desk,
    form_fields,
    help_context,
    on_page,
    page_of,
)
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FieldsDep = Annotated[dict[str, Any], Depends(form_fields)]
Action = Annotated[str, Form(max_length=20)]
# The draft's version the form was read at: a save from an older one is refused, not lost.
ReadVersion = Annotated[int | None, Form(ge=1, le=2**31 - 1)]
# Come by a "Change" link on check your answers: the page's Continue goes back there.
Checking = Annotated[bool, Form()]


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
    page: str = WRITING,
) -> Response:
    """A page of the form: the writing (the draft's address) or its tags (`/tags` after it)."""
    action = f"/submit/drafts/{draft.id}" if draft else "/submit/new"
    context = {
        "fields": fields,
        "draft": draft,
        "errors": errors or {},
        "first_of": FIRST_OF[page],
        "choices": choices(vocabulary),
        "sections": drafting.SECTIONS,
        "saved": saved,
        "action": action if page == WRITING else f"{action}/tags",
        "desk": desk(draft),
        "read_version": read_version or (draft.version if draft else None),
        "checking": checking,
        **help_context(fields, found),
    }
    template = "submit_form.html" if page == WRITING else "submit_tags.html"
    return render(request, template, context, status_code if errors else 200)


def not_ready(
    request: Request,
    session: Session,
    drafts: DraftService,
    vocabulary: VocabularyDep,
    account: Account,
    draft: Draft,
    error: Invalid,
    checking: bool = False,
) -> Response:
    """The first page of the form with something to fix, with what to fix on it (a browser),
    or the problem (anyone else)."""
    if not wants_html(request):
        raise error
    page, mine = page_of(error)
    found = drafts.help_for(session, account.principal, draft, draft.fields)
    errors = field_errors(mine, "title")
    return form_page(
        request, vocabulary, account, draft.fields, found, draft, errors, checking=checking,
        page=page,
    )  # fmt: skip


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
    writing = {name: fields[name] for name in ON_PAGE[WRITING]}  # the tags are on their page
    draft = drafts.start(session, account.principal, writing)
    return Saving(request, session, drafts, vocabulary, account, WRITING).after(draft, action)


def draft_gone(request: Request, draft_id: int, error: NotFound) -> Response:
    """A bookmark to a draft since sent or deleted (or another council's, said the same way);
    a machine gets the problem document."""
    if not wants_html(request):
        raise error
    return render(request, "draft_gone.html", {"draft_id": draft_id}, status_code=404)


def page_routes(path: str, page: str) -> None:
    """A page of the form at `path`: GET shows it from the draft as saved (`saved` after "Save
    as draft"; `checking` come by a "Change" link on check your answers), POST saves it."""

    @router.get(path)
    def show(
        request: Request,
        session: SessionDep,
        drafts: DraftsDep,
        vocabulary: VocabularyDep,
        account: DrafterDep,
        draft_id: DraftId,
        saved: Annotated[bool, Query()] = False,
        checking: Annotated[bool, Query()] = False,
    ) -> Response:
        try:
            draft = drafts.get(session, account.principal, draft_id)
        except NotFound as error:
            return draft_gone(request, draft_id, error)
        found = drafts.help_for(session, account.principal, draft, draft.fields)
        return form_page(
            request, vocabulary, account, draft.fields, found, draft, saved=saved,
            checking=checking, page=page,
        )  # fmt: skip

    @router.post(path)
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
        checking: Checking = False,
    ) -> Response:
        saving = Saving(request, session, drafts, vocabulary, account, page, checking)
        return saving.save(draft_id, fields, action, version)


# The writing, then (one thing per page, as GOV.UK has it) the tags: 7 priorities, 4 age bands
# and 44 themes were 4,400 px and 46 Tabs at the end of the one long form. The tags the saved
# text suggests are worked out here, so they show without JavaScript; there is no writing on
# the tags page for the live help to follow.
page_routes("/submit/drafts/{draft_id}", WRITING)
page_routes("/submit/drafts/{draft_id}/tags", TAGS)


@dataclass(frozen=True)
class Saving:
    """A post of one page of the form: its own fields saved over the draft (the other page's
    as the draft holds them), then on to where its button goes."""

    request: Request
    session: Session
    drafts: DraftService
    vocabulary: Vocabulary
    account: Account
    page: str
    checking: bool = False

    def save(
        self, draft_id: int, fields: dict[str, Any], action: str, version: int | None
    ) -> Response:
        principal, page = self.account.principal, self.page
        try:
            draft = self.drafts.save(
                self.session, principal, draft_id, fields, version, ON_PAGE[page]
            )
        except Conflict as error:  # the page again, as typed, with what happened
            if not wants_html(self.request):
                raise
            draft = self.drafts.get(self.session, principal, draft_id)
            typed = {**draft.fields, **{name: fields[name] for name in ON_PAGE[page]}}
            found = self.drafts.help_for(self.session, principal, draft, typed)
            errors = {"version": error.detail}
            return form_page(
                self.request, self.vocabulary, self.account, typed, found, draft, errors,
                False, 409, version, self.checking, page,
            )  # fmt: skip
        return self.after(draft, action)

    def after(self, draft: Draft, action: str) -> Response:
        """ "Save as draft" comes back to the page; "Continue" goes on (the writing to its
        tags, the tags, or a change from check your answers, to the check), or shows the page
        again with what to fix on it. "Continue to check your answers" (`check`, shown after a
        "Change") goes where Continue does: the writing of a change to a case study, whose tags
        are chosen, still goes through the tags, as a new one's does. "Back" (the tags page's
        back link, a button so that the boxes ticked are saved) goes to the writing, or to the
        check it came from, unchecked."""
        if action not in ("save", "continue", "check", "back"):
            raise Invalid('Press "Save as draft" or "Continue".')
        here = f"/submit/drafts/{draft.id}" + ("/tags" if self.page == TAGS else "")
        if action == "back":
            before = "/check" if self.checking else ""
            return RedirectResponse(f"/submit/drafts/{draft.id}{before}", status_code=303)
        if action == "save":
            also = "&checking=true" if self.checking else ""
            return RedirectResponse(f"{here}?saved=true{also}", status_code=303)
        council = self.drafts.council_of(self.session, self.account.principal, draft)
        try:
            drafting.check(draft.fields, council)
        except Invalid as error:
            if (mine := on_page(error, self.page)) is not None:
                return not_ready(
                    self.request, self.session, self.drafts, self.vocabulary, self.account,
                    draft, mine, self.checking,
                )  # fmt: skip
        to = "tags" if self.page == WRITING and not self.checking else "check"
        return RedirectResponse(f"/submit/drafts/{draft.id}/{to}", status_code=303)


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
