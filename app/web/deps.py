"""Typed dependencies that routes declare: the session, the settings and the services."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.core.errors import Forbidden, Unauthenticated
from app.core.principals import Principal, Role
from app.core.vocabulary import Vocabulary
from app.services.moderation import ModerationService
from app.services.search import SearchService
from app.services.submissions import SubmissionService
from app.services.tagging import Tagger
from app.store.db import Session
from app.store.keys import authenticate
from app.web.middleware.rate_limit import WRITES, Limits, Refused, client_address

# Dependencies that only read app state are async: FastAPI runs a plain `def` dependency in the
# thread pool, and a search paid about 20 thread hand-offs a request for them.


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


async def get_submissions(request: Request) -> SubmissionService:
    service: SubmissionService = request.app.state.submissions
    return service


async def get_moderation(request: Request) -> ModerationService:
    service: ModerationService = request.app.state.moderation
    return service


async def get_tagger(request: Request) -> Tagger:
    tagger: Tagger = request.app.state.tagger
    return tagger


async def get_vocabulary(request: Request) -> Vocabulary:
    vocabulary: Vocabulary = request.app.state.vocabulary
    return vocabulary


async def get_base_url(request: Request) -> str:
    """Where the service is reached, for links: PUBLIC_URL, or else the request's own scheme and
    host, which PublicOrigin has already checked against TRUSTED_HOSTS."""
    settings: Settings = request.app.state.settings
    return settings.public_url or str(request.base_url).rstrip("/")


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService, Depends(get_search)]
VocabularyDep = Annotated[Vocabulary, Depends(get_vocabulary)]
BaseUrlDep = Annotated[str, Depends(get_base_url)]


_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer bf_...`")


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The verified key's principal. A write counts against the key's rate limit; a missing or
    wrong key counts against the client address's (see middleware/rate_limit.py)."""
    limits: Limits | None = request.app.state.limits
    principal = authenticate(session, credentials.credentials) if credentials else None
    try:
        if principal is None:
            if limits is not None:
                limits.failed_key(client_address(request.scope))
            if credentials is None:
                raise Unauthenticated("Send an API key: Authorization: Bearer <key>.")
            raise Unauthenticated("The API key is not valid or has been revoked.")
        if limits is not None and request.method in WRITES:
            limits.write(principal.key_id)
    except Refused as refused:
        raise HTTPException(
            429, refused.detail, headers={"Retry-After": str(refused.retry_after)}
        ) from None
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _require(*roles: Role) -> object:
    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise Forbidden(
                f"This needs a {' or '.join(roles)} key; yours is a {principal.role} key."
            )
        return principal

    return Depends(check)


ModeratorDep = Annotated[Principal, _require("moderator", "admin")]
SubmitterDep = Annotated[Principal, _require("council", "admin")]


SubmissionsDep = Annotated[SubmissionService, Depends(get_submissions)]
ModerationDep = Annotated[ModerationService, Depends(get_moderation)]
TaggerDep = Annotated[Tagger, Depends(get_tagger)]
