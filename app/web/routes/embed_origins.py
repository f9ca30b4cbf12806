"""/api/v1/embed-origins: the websites allowed to embed the service. Moderators and admins list,
add and remove them; any page may ask whether its own site is on the list (`/check`), which is
how the widget tells a refused site from an outage."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.core.curation import MAX_NOTE
from app.core.errors import Invalid
from app.core.origins import EXAMPLE, MAX_ORIGIN_CHARS, AllowedOrigin, parse_origin
from app.web.deps import BaseUrlDep, EmbedOriginsDep, ModeratorDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/embed-origins", tags=["embedding"])
OriginId = Annotated[int, Path(ge=1, le=2**62, description="The allowed website's id")]


class EmbedOriginCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    origin: str = Field(
        max_length=MAX_ORIGIN_CHARS,
        description="The website's address alone: scheme, host and port if not the usual one",
        examples=[EXAMPLE],
    )
    note: str | None = Field(
        default=None, max_length=MAX_NOTE, description="Who asked and why, for the other moderators"
    )


class EmbedOriginPublic(BaseModel):
    id: int
    origin: str = Field(description="As browsers send it: lower case, no default port")
    note: str | None
    added_by: str
    added_at: datetime
    url: str = Field(description="DELETE it to stop the website embedding")


class EmbedOriginList(BaseModel):
    origins: list[EmbedOriginPublic]


class EmbedOriginCheck(BaseModel):
    origin: str
    allowed: bool
    detail: str = Field(description="In plain words, and how to get the site added if it is not")


def _public(origin: AllowedOrigin, base_url: str) -> EmbedOriginPublic:
    return EmbedOriginPublic(
        id=origin.id,
        origin=origin.origin,
        note=origin.note,
        added_by=origin.added_by,
        added_at=origin.added_at,
        url=f"{base_url}/api/v1/embed-origins/{origin.id}",
    )


def how_to_ask(contact: str) -> str:
    """Plain words for a web editor whose site is not on the list."""
    who = f"the Bright Futures campaign team ({contact})" if contact else "the Bright Futures team"
    return (
        f"Ask {who} to add your website's address; it works within seconds of being added, "
        "with no release or restart."
    )


@router.get("", response_model=EmbedOriginList)
def list_origins(
    session: SessionDep, principal: ModeratorDep, origins: EmbedOriginsDep, base_url: BaseUrlDep
) -> EmbedOriginList:
    """The websites allowed to embed the service: their pages may call this API from the
    browser (CORS) and show `/embed` in a frame. Moderators and admins only."""
    listed = origins.list_origins(session, principal)
    return EmbedOriginList(origins=[_public(o, base_url) for o in listed])


@router.post("", response_model=EmbedOriginPublic, status_code=201)
def add_origin(
    session: SessionDep,
    principal: ModeratorDep,
    origins: EmbedOriginsDep,
    base_url: BaseUrlDep,
    body: EmbedOriginCreate,
) -> JSONResponse:
    """Allow a website to embed the service, at once in every process of the service (within
    a second or so), with no restart. `origin` is the site's address alone
    (`https://campaign.example.org`); it is stored the way browsers send it. 409 if it is
    already on the list."""
    added = _public(origins.add_origin(session, principal, body.origin, body.note), base_url)
    return JSONResponse(
        added.model_dump(mode="json"), status_code=201, headers={"Location": added.url}
    )


@router.delete("/{origin_id:int}", status_code=204)
def remove_origin(
    session: SessionDep, principal: ModeratorDep, origins: EmbedOriginsDep, origin_id: OriginId
) -> Response:
    """Stop a website embedding the service: its widgets and frames show a plain link to the
    search instead, from the next page view."""
    origins.remove_origin(session, principal, origin_id)
    return Response(status_code=204)


@router.get("/check", response_model=EmbedOriginCheck)
def check_origin(
    origins: EmbedOriginsDep,
    settings: SettingsDep,
    origin: Annotated[
        str | None,
        Query(max_length=MAX_ORIGIN_CHARS, description="The site to ask about; by default yours"),
    ] = None,
    origin_header: Annotated[str | None, Header(alias="Origin", include_in_schema=False)] = None,
) -> JSONResponse:
    """Is a website allowed to embed the service? Any page may ask about its own site (the
    browser's `Origin` header), or anyone about a site named in `origin`. The widget asks when
    it cannot load results, to say in the console whether the site is missing from the list."""
    text = origin if origin is not None else origin_header
    if text is None:
        raise Invalid(
            "Say which website: ?origin=https://campaign.example.org (a browser sends its own).",
            [{"detail": "origin is missing", "pointer": "#/query/origin"}],
        )
    asked = parse_origin(text, "#/query/origin")
    allowed = origins.allows(asked)
    if allowed:
        detail = f"{asked} may embed Bright Futures case studies."
    else:
        ask = how_to_ask(settings.embed_contact)
        detail = (
            f"{asked} is not on the list of websites allowed to embed Bright Futures case "
            f"studies, so its embeds show a plain link instead. {ask}"
        )
    body = EmbedOriginCheck(origin=asked, allowed=allowed, detail=detail)
    # Readable by any page (it only ever answers about the site asking), never cached.
    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store", "Vary": "Origin"}
    return JSONResponse(body.model_dump(), headers=headers)
