"""/moderation/synonyms, for moderators and admins: the everyday phrases people search for and
find little, with the sector's phrases proposed for each; accept (edited) or dismiss, and forget
a decision. The same use cases as /api/v1/synonyms."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from app.core.accounts import Account
from app.core.curation import MAX_NOTE, MAX_PHRASE, MAX_TARGETS, Decision
from app.core.errors import NotFound
from app.store.db import Session
from app.web.deps import AccountsDep, LayLanguageDep, ModeratorUserDep, SessionDep, csrf_protect
from app.web.pages.actors import actor_names
from app.web.pages.form_page import FormPage, Undo, see_other

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PAGE = "/moderation/synonyms"
DAYS = 30
SynonymId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form()]
FORM = FormPage(
    "moderation_synonyms.html",
    {"phrase": "", "targets": "", "note": ""},
    first_field="phrase",
    items_field="targets",  # an error about one of the sector's phrases
    nav=PAGE,
)


def _listing(
    session: Session, bridge: LayLanguageDep, account: Account, people: AccountsDep
) -> dict[str, Any]:
    return {
        "who": actor_names(session, people),
        "suggestions": bridge.suggestions(session, account.principal, DAYS, 20),
        "decided": bridge.list_synonyms(session, account.principal),
        "restored": bridge.restorations(session, account.principal),
        "days": DAYS,
    }


@router.get(PAGE)
def synonyms_page(
    request: Request,
    session: SessionDep,
    bridge: LayLanguageDep,
    account: ModeratorUserDep,
    people: AccountsDep,
    decided: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    forgotten: Annotated[str | None, Query(max_length=MAX_PHRASE)] = None,
    was: Annotated[Decision | None, Query()] = None,
    targets: Annotated[str, Query(max_length=MAX_TARGETS * (MAX_PHRASE + 2))] = "",
    note: Annotated[str, Query(max_length=MAX_NOTE)] = "",
) -> Response:
    listing = _listing(session, bridge, account, people)
    notice = f"The decision on “{forgotten}” is forgotten" if forgotten else None
    if forgotten and was:  # what it did, and a way to decide it so again
        accepted = was == "accepted"
        notice = f"{notice}: " + (
            f"searches for it no longer also find {targets}"
            if accepted
            else "it may be proposed again"
        )
        again = {"phrase": forgotten, "targets": targets if accepted else "", "note": note}
        verb = "accept" if accepted else "dismiss"
        undo = again | {"decision": verb, "put_back": "true"}  # as made: its decider, its time
        listing["undo"] = Undo(PAGE, undo, f"{verb} “{forgotten}” again")
    for synonym in listing["decided"] if decided else []:
        if synonym.id == decided and synonym.status == "accepted":
            notice = f"Searches for “{synonym.phrase}” now also find {', '.join(synonym.targets)}"
        elif synonym.id == decided:
            notice = f"“{synonym.phrase}” dismissed: it will not be proposed again"
    return FORM.show(request, listing, notice)


@router.post(PAGE)
def decide(
    request: Request,
    session: SessionDep,
    bridge: LayLanguageDep,
    account: ModeratorUserDep,
    people: AccountsDep,
    phrase: Text = "",
    targets: Text = "",
    note: Text = "",
    decision: Annotated[str, Form(max_length=20)] = "accept",
    put_back: Annotated[bool, Form()] = False,
    seen: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Accept or dismiss; `put_back` (the notice's Undo after a Forget) brings the decision
    back as its decider made it. A suggestion's form says it was `seen` undecided: if another
    moderator decided it meanwhile, theirs stands and this one is refused, saying so."""
    fresh = seen == "undecided"

    def decided() -> str:
        wanted = [t for t in (p.strip() for p in targets.split(",")) if t]
        status: Decision = "dismissed" if decision == "dismiss" else "accepted"
        if put_back:
            done = bridge.restore(session, account.principal, phrase, status, wanted, note or None)
        elif status == "dismissed":
            done = bridge.dismiss(session, account.principal, phrase, note or None, fresh)
        else:
            done = bridge.accept(session, account.principal, phrase, wanted, note or None, fresh)
        return f"{PAGE}?decided={done.id}"

    form = {"phrase": phrase, "targets": targets, "note": note, "seen": seen}  # seen: whose form
    return FORM.post(request, form, decided, lambda: _listing(session, bridge, account, people))


@router.post(PAGE + "/{synonym_id}/forget")
def forget(
    request: Request,
    session: SessionDep,
    bridge: LayLanguageDep,
    account: ModeratorUserDep,
    people: AccountsDep,
    synonym_id: SynonymId,
) -> Response:
    try:
        removed = bridge.remove(session, account.principal, synonym_id)
    except NotFound as error:
        listing = lambda: _listing(session, bridge, account, people)  # noqa: E731
        said = (
            "That decision is no longer there: it was forgotten after this page was opened. "
            "The list below is as it is now."
        )
        return FORM.gone(request, error, listing, said)
    # What the decision was, for the notice to say and its Undo to decide again (the address is
    # the moderator's own, and logs leave query strings out).
    targets = ", ".join(removed.targets)
    done = {"forgotten": removed.phrase, "was": removed.status, "targets": targets}
    return see_other(f"{PAGE}?{urlencode(done | {'note': removed.note or ''})}")
