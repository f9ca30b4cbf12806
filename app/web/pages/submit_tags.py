"""The form's second page: the tags (priorities, ages, themes), after the writing and before
check your answers, one thing per page as GOV.UK has it. The tags the saved text suggests are
worked out on the server, so they show without JavaScript; the writing is not on this page, so
the live help that follows typing has nothing to follow here."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.core.errors import NotFound
from app.web.deps import DrafterDep, SessionDep, VocabularyDep, csrf_protect
from app.web.pages.draft_form import TAGS
from app.web.pages.submit import (
    Action,
    Checking,
    DraftId,
    DraftsDep,
    FieldsDep,
    ReadVersion,
    Saving,
    draft_gone,
    form_page,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/submit/drafts/{draft_id}/tags")
def tags(
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
        request, vocabulary, account, draft.fields, found, draft, saved=saved, checking=checking,
        page=TAGS,
    )  # fmt: skip


@router.post("/submit/drafts/{draft_id}/tags")
def save_tags(
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
    saving = Saving(request, session, drafts, vocabulary, account, TAGS, checking)
    return saving.save(draft_id, fields, action, version)
