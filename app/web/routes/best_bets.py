"""/api/v1/best-bets: moderators pin up to three published case studies to a query; a search
for it shows them first, marked `"recommended": true`, in every process at once."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.core.curation import MAX_PHRASE, MAX_PINS, BestBet
from app.core.principals import Principal
from app.services.best_bets import BestBets
from app.store.db import Session
from app.web.deps import BaseUrlDep, BestBetsDep, ModeratorDep, SessionDep

router = APIRouter(prefix="/api/v1/best-bets", tags=["best bets"])
BestBetId = Annotated[int, Path(ge=1, le=2**62, description="The best bet's id")]


class BestBetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    query: str = Field(max_length=MAX_PHRASE * 3, examples=["kinship care"])
    slug: str = Field(max_length=200, description="A published case study's slug")
    match: Literal["exact", "words"] = Field(
        default="exact",
        description="`exact`: the query as typed (case, spaces and punctuation aside); "
        "`words`: any query that holds all of its words",
    )


class BestBetMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: int = Field(ge=1, le=MAX_PINS, description="Where it goes: 1 is shown first")


class BestBetPublic(BaseModel):
    id: int
    query: str
    match: Literal["exact", "words"]
    slug: str
    position: int = Field(description="1 is shown first")
    added_by: str
    added_at: datetime
    url: str = Field(description="PATCH its position to move it; DELETE it to unpin")


class BestBetList(BaseModel):
    best_bets: list[BestBetPublic]


@dataclass(frozen=True)
class _Curator:
    """What every best-bets endpoint works with: the moderator's session and the use cases, and
    the base URL a pin's own address is built on."""

    session: Session
    principal: Principal
    bets: BestBets
    base_url: str

    def public(self, bet: BestBet) -> BestBetPublic:
        return BestBetPublic(
            id=bet.id,
            query=bet.query,
            match=bet.match,
            slug=bet.slug,
            position=bet.position,
            added_by=bet.added_by,
            added_at=bet.added_at,
            url=f"{self.base_url}/api/v1/best-bets/{bet.id}",
        )


def _curator(
    session: SessionDep, principal: ModeratorDep, bets: BestBetsDep, base_url: BaseUrlDep
) -> _Curator:
    return _Curator(session, principal, bets, base_url)


CuratorDep = Annotated[_Curator, Depends(_curator)]


@router.get("", response_model=BestBetList)
def list_best_bets(curator: CuratorDep) -> BestBetList:
    """Every pinned case study, by query and position. Moderators and admins only."""
    pinned = curator.bets.list_best_bets(curator.session, curator.principal)
    return BestBetList(best_bets=[curator.public(b) for b in pinned])


@router.post("", response_model=BestBetPublic, status_code=201)
def pin(curator: CuratorDep, body: BestBetCreate) -> JSONResponse:
    """Pin a published case study to a query, after any already pinned to it (three at most;
    409 beyond that or if it is pinned already; 422 for a slug that is not published). Shown
    first, when sorted by relevance and the filters allow it."""
    pinned = curator.bets.pin(curator.session, curator.principal, body.query, body.slug, body.match)
    bet = curator.public(pinned)
    return JSONResponse(bet.model_dump(mode="json"), status_code=201, headers={"Location": bet.url})


@router.delete("/{bet_id:int}", status_code=204)
def unpin(curator: CuratorDep, bet_id: BestBetId) -> Response:
    """Unpin: the case study goes back to its own place in the results."""
    curator.bets.unpin(curator.session, curator.principal, bet_id)
    return Response(status_code=204)


@router.patch("/{bet_id:int}", response_model=BestBetPublic)
def move(curator: CuratorDep, bet_id: BestBetId, body: BestBetMove) -> BestBetPublic:
    """Move a pinned case study to another position among its query's; the others close up
    around it (422 beyond them; 409 if they changed meanwhile)."""
    moved = curator.bets.move(curator.session, curator.principal, bet_id, body.position)
    return curator.public(moved)
