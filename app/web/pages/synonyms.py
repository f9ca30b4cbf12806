"""/moderation/synonyms, for moderators and admins: the everyday phrases people search for and
find little, with the sector's phrases proposed for each; accept (edited) or dismiss, and forget
a decision. The same use cases as /api/v1/synonyms."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.core.accounts import Account
from app.core.errors import Conflict, Invalid
from app.web.deps import LayLanguageDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/moderation/synonyms"
DAYS = 30
SynonymId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=1000)]


def _page(
    request: Request,
    session: SessionDep,
    bridge: LayLanguageDep,
    account: Account,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    principal = account.principal
    context = {
        "suggestions": bridge.suggestions(session, principal, DAYS, 20),
        "decided": bridge.list_synonyms(session, principal),
        "days": DAYS,
        "form": form or {"phrase": "", "targets": "", "note": ""},
        "errors": errors or {},
        "notice": notice,
    }
    return render(request, "moderation_synonyms.html", context, status_code)


@router.get(PAGE)
def synonyms_page(
    request: Request,
    session: SessionDep,
    bridge: LayLanguageDep,
    account: ModeratorUserDep,
    decided: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    forgotten: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    notice = "The decision is forgotten" if forgotten else None
    for synonym in bridge.list_synonyms(session, account.principal) if decided else []:
        if synonym.id == decided and synonym.status == "accepted":
            notice = f"Searches for “{synonym.phrase}” now also find {', '.join(synonym.targets)}"
        elif synonym.id == decided:
            notice = f"“{synonym.phrase}” dismissed: it will not be proposed again"
    return _page(request, session, bridge, account, notice=notice)


@router.post(PAGE)
def decide(
    request: Request,
    session: SessionDep,
    bridge: LayLanguageDep,
    account: ModeratorUserDep,
    phrase: Text = "",
    targets: Text = "",
    note: Text = "",
    decision: Annotated[str, Form(max_length=20)] = "accept",
) -> Response:
    form = {"phrase": phrase, "targets": targets, "note": note}
    principal = account.principal
    try:
        if decision == "dismiss":
            done = bridge.dismiss(session, principal, phrase, note or None)
        else:
            wanted = [t for t in (p.strip() for p in targets.split(",")) if t]
            done = bridge.accept(session, principal, phrase, wanted, note or None)
    except (Invalid, Conflict) as error:
        if not wants_html(request):
            raise
        errors = field_errors(error, "phrase")
        errors = {("targets" if k.isdigit() else k): v for k, v in errors.items()}
        return _page(request, session, bridge, account, form, errors, status_code=422)
    return RedirectResponse(f"{PAGE}?decided={done.id}", status_code=303)


@router.post(PAGE + "/{synonym_id}/forget")
def forget(
    session: SessionDep, bridge: LayLanguageDep, account: ModeratorUserDep, synonym_id: SynonymId
) -> Response:
    bridge.remove(session, account.principal, synonym_id)
    return RedirectResponse(f"{PAGE}?forgotten=1", status_code=303)
