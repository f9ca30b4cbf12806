"""The end of submitting: check your answers (everything as it will be sent, with the
safeguarding findings marked in the text, the tags the text suggests and any close published
match, without JavaScript), send, and the confirmation with a reference. A draft can also be
deleted, after a question. An admin's drafts of changes to the campaign's own collection end
here too, the changes then waiting for a moderator."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from app.core import drafting
from app.core.errors import Conflict, Invalid, NotFound
from app.web.deps import DrafterDep, SessionDep, SubmissionsDep, VocabularyDep, csrf_protect
from app.web.pages.draft_form import (
    desk,
    help_context,
    in_plain_words,
    marked,
    marked_lines,
)
from app.web.pages.rendering import render
from app.web.pages.submit import DraftId, DraftsDep, draft_gone, not_ready
from app.web.pages.templating import reference

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/submit/drafts/{draft_id}/check")
def check_answers(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    vocabulary: VocabularyDep,
    account: DrafterDep,
    draft_id: DraftId,
) -> Response:
    try:
        draft = drafts.get(session, account.principal, draft_id)
    except NotFound as error:
        return draft_gone(request, draft_id, error)
    try:
        content = drafting.check(draft.fields, drafts.council_of(session, account.principal, draft))
    except Invalid as error:
        return not_ready(request, session, drafts, vocabulary, account, draft, error)
    found = drafts.help_for(session, account.principal, draft, draft.fields)
    fields = drafting.tidy(draft.fields)
    context = {
        "draft": draft,
        "content": content,
        "fields": fields,
        "text": {
            name: marked(fields[name], found.flagged.get(name, []))
            for name in fields
            if isinstance(fields[name], str)
        },
        # one a line as typed, shown as the list they will be published as
        "items": {
            name: marked_lines(fields[name], found.flagged.get(name, []))
            for name in drafting.LISTED
        },
        "sections": drafting.SECTIONS,
        "vocabulary": vocabulary,
        "desk": desk(draft),
        **help_context(fields, found),
    }
    return render(request, "submit_check.html", context)


@router.post("/submit/drafts/{draft_id}/send")
def send(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    vocabulary: VocabularyDep,
    account: DrafterDep,
    draft_id: DraftId,
) -> Response:
    draft = drafts.get(session, account.principal, draft_id)
    try:
        row = drafts.send(session, account.principal, draft_id)
    except Invalid as error:
        return not_ready(request, session, drafts, vocabulary, account, draft, error)
    except Conflict as error:
        home = desk(draft)
        where = f"the case study's changes page ({home['home']})" if home["campaign"] else None
        raise in_plain_words(error, draft.amends_id, where) from None
    return RedirectResponse(f"/submit/sent/{row.id}", status_code=303)


@router.get("/submit/sent/{record_id}")
def confirmation(
    request: Request,
    session: SessionDep,
    service: SubmissionsDep,
    account: DrafterDep,
    record_id: RecordId,
) -> Response:
    row = service.get(session, account.principal, record_id)
    kind = "submitted" if row.version == 1 else "amended"
    if row.status == "published":  # changes proposed to it, reviewed before they are public
        kind = "proposed"
    context = {
        "row": row,
        "kind": kind,
        "reference": reference(record_id),
        "desk": desk(None, record_id, campaign=row.owner_council is None),
    }
    return render(request, "submit_sent.html", context)


@router.get("/submit/drafts/{draft_id}/delete")
def delete_question(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    account: DrafterDep,
    draft_id: DraftId,
) -> Response:
    draft = drafts.get(session, account.principal, draft_id)
    return render(request, "submit_delete.html", {"draft": draft, "desk": desk(draft)})


@router.post("/submit/drafts/{draft_id}/delete")
def delete(
    request: Request,
    session: SessionDep,
    drafts: DraftsDep,
    account: DrafterDep,
    draft_id: DraftId,
) -> Response:
    draft = drafts.get(session, account.principal, draft_id)
    home = desk(draft)["home"]
    drafts.discard(session, account.principal, draft_id)
    return RedirectResponse(f"{home}?deleted=draft", status_code=303)
