"""/api/v1/synonyms: the lay-language bridge. Moderators see what people search for in their
own words and find little, with the sector's phrases proposed for it; they accept a phrase
(with the targets they choose) or dismiss it. Accepted phrases apply to search at once."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.core.curation import MAX_NOTE, MAX_PHRASE, MAX_TARGETS, LaySynonym, SynonymSuggestion
from app.web.deps import BaseUrlDep, LayLanguageDep, ModeratorDep, SessionDep
from app.web.preconditions import etag, parse_if_match

router = APIRouter(prefix="/api/v1/synonyms", tags=["synonyms"])
SynonymId = Annotated[int, Path(ge=1, le=2**62, description="The synonym's id")]
Phrase = Annotated[str, Field(max_length=MAX_PHRASE * 3, examples=["kids in care"])]


class SynonymAccept(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phrase: Phrase = Field(description="The everyday word or phrase, as people type it")
    targets: list[Annotated[str, Field(max_length=MAX_PHRASE * 3)]] = Field(
        max_length=MAX_TARGETS,
        description="The sector's phrases it stands for, each used by a published case study",
        examples=[["looked after children"]],
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE, description="Why, for the others")


class SynonymDismiss(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phrase: Phrase = Field(description="The phrase never to propose again")
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class SynonymPublic(BaseModel):
    id: int
    phrase: str = Field(description="Lower case, words only: as queries are compared")
    targets: list[str]
    status: Literal["accepted", "dismissed"]
    note: str | None
    decided_by: str
    decided_at: datetime
    url: str = Field(description="DELETE it to forget the decision")
    etag: str = Field(
        description="The decision's version, as the ETag of the answer that made it: send it "
        "as If-Match to replace this decision, and only this one",
        examples=['"1764630000000000"'],
    )


class SynonymList(BaseModel):
    synonyms: list[SynonymPublic]


class ProposalPublic(BaseModel):
    phrase: str
    closeness: float = Field(description="Cosine of the word embeddings, 0 to 1: a rough guide")


class SuggestionPublic(BaseModel):
    phrase: str
    searches: int = Field(description="Searches for it in the period")
    zero_result_searches: int = Field(description="Of those, how many found nothing")
    results_now: int = Field(description="How many case studies it finds today")
    proposals: list[ProposalPublic]


class SuggestionList(BaseModel):
    days: int
    suggestions: list[SuggestionPublic]


def public(synonym: LaySynonym, base_url: str) -> SynonymPublic:
    return SynonymPublic(
        id=synonym.id,
        phrase=synonym.phrase,
        targets=synonym.targets,
        status=synonym.status,
        note=synonym.note,
        decided_by=synonym.decided_by,
        decided_at=synonym.decided_at,
        url=f"{base_url}/api/v1/synonyms/{synonym.id}",
        etag=etag(synonym.version),
    )


def _suggestion(found: SynonymSuggestion) -> SuggestionPublic:
    return SuggestionPublic(
        phrase=found.phrase,
        searches=found.searches,
        zero_result_searches=found.zero_result_searches,
        results_now=found.results_now,
        proposals=[ProposalPublic(phrase=p.phrase, closeness=p.closeness) for p in found.proposals],
    )


def _created(synonym: LaySynonym, base_url: str) -> JSONResponse:
    body = public(synonym, base_url)
    headers = {"Location": body.url, "ETag": body.etag}
    return JSONResponse(body.model_dump(mode="json"), status_code=201, headers=headers)


async def _expected(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="Without it, a phrase already decided is a 409 (never replaced unseen). "
            "To replace a decision, send the `etag` you read of it (a 409 if it changed since), "
            "or `*` to replace whatever decision the phrase has",
        ),
    ] = None,
) -> frozenset[int] | None:
    """The versions of the phrase's decision the client read: none without If-Match (it saw
    the phrase undecided), None for `*` (any)."""
    return frozenset() if value is None else parse_if_match(value)


ExpectedDep = Annotated[frozenset[int] | None, Depends(_expected)]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The phrase was decided already, or changed since you read it"}
}


@router.get("/suggestions", response_model=SuggestionList)
def suggestions(
    session: SessionDep,
    principal: ModeratorDep,
    bridge: LayLanguageDep,
    days: Annotated[int, Query(ge=1, le=366, description="How far back to look")] = 30,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> SuggestionList:
    """Queries of the last `days` that find two case studies or fewer today and that no one
    has decided on, most zero-result searches first, each with up to three of the sector's
    phrases nearest in meaning (by word embeddings) that the published case studies use.
    Counted by query text only, never by who searched. Moderators and admins only."""
    found = bridge.suggestions(session, principal, days, limit)
    return SuggestionList(days=days, suggestions=[_suggestion(s) for s in found])


@router.get("", response_model=SynonymList)
def list_synonyms(
    session: SessionDep, principal: ModeratorDep, bridge: LayLanguageDep, base_url: BaseUrlDep
) -> SynonymList:
    """Every decided phrase: accepted (search uses it) and dismissed (never proposed again)."""
    decided = bridge.list_synonyms(session, principal)
    return SynonymList(synonyms=[public(s, base_url) for s in decided])


@router.post("", response_model=SynonymPublic, status_code=201, responses=CONFLICT)
def accept(
    session: SessionDep,
    principal: ModeratorDep,
    bridge: LayLanguageDep,
    base_url: BaseUrlDep,
    body: SynonymAccept,
    expected: ExpectedDep,
) -> JSONResponse:
    """Accept an everyday phrase: from now on, in every process, a search that holds it also
    looks for its targets (one way: the targets do not find the phrase). Each target must be
    a phrase some published case study uses (422 otherwise). A phrase decided already (by
    anyone) is a 409 giving its decision in `current`: to replace it, send again with If-Match
    its `etag`. `python -m indexer thesaurus export` writes them to data/thesaurus.yaml."""
    decided = bridge.accept(
        session, principal, body.phrase, body.targets, body.note, expected=expected
    )
    return _created(decided, base_url)


@router.post("/dismissals", response_model=SynonymPublic, status_code=201, responses=CONFLICT)
def dismiss(
    session: SessionDep,
    principal: ModeratorDep,
    bridge: LayLanguageDep,
    base_url: BaseUrlDep,
    body: SynonymDismiss,
    expected: ExpectedDep,
) -> JSONResponse:
    """Dismiss a phrase: it is not proposed again (and, if it was accepted, no longer used). A
    phrase decided already is a 409, as for accepting: If-Match its `etag` to replace it."""
    decided = bridge.dismiss(session, principal, body.phrase, body.note, expected=expected)
    return _created(decided, base_url)


@router.delete("/{synonym_id:int}", status_code=204)
def remove(
    session: SessionDep, principal: ModeratorDep, bridge: LayLanguageDep, synonym_id: SynonymId
) -> Response:
    """Forget a decision: an accepted phrase stops applying; a dismissed one may come back."""
    bridge.remove(session, principal, synonym_id)
    return Response(status_code=204)
