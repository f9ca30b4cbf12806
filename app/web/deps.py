"""Typed dependencies that routes declare: the session, the settings, the services, and who is
asking (an API key's principal; a signed-in person's account)."""

import functools
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.core.accounts import Account
from app.core.errors import Forbidden, Unauthenticated
from app.core.principals import Principal, Role
from app.core.vocabulary import Vocabulary
from app.services.accounts import AccountService
from app.services.alerts import AlertService
from app.services.best_bets import BestBets
from app.services.embed_origins import EmbedOrigins
from app.services.lay_language import LayLanguage
from app.services.moderation import ModerationService
from app.services.review import ReviewService
from app.services.reviews import CurrencyChecks
from app.services.search import SearchService
from app.services.submissions import SubmissionService
from app.services.tagging import Tagger
from app.store.db import Session
from app.store.keys import authenticate
from app.web import csrf
from app.web.auth import SignInRequired, session_secret
from app.web.middleware.rate_limit import WRITES, Limits, Refused, client_address

# Dependencies that only read app state are async: FastAPI runs a plain `def` dependency in the
# thread pool, and a search paid about 20 thread hand-offs a request for them.


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


async def get_session_opener(request: Request) -> Callable[[], Session]:
    """For a `def` route that opens its own session in the thread it runs in: a `def`
    generator dependency costs two more thread hand-offs a request (to open and to close), a
    tenth of a search over the bundled collection."""
    return functools.partial(Session, request.app.state.engine)


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
OpenSessionDep = Annotated[Callable[[], Session], Depends(get_session_opener)]
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
        if limits is not None and request.method in WRITES and principal.key_id is not None:
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


# -- people in the browser ---------------------------------------------------------------------


async def get_accounts(request: Request) -> AccountService:
    service: AccountService = request.app.state.accounts
    return service


AccountsDep = Annotated[AccountService, Depends(get_accounts)]


def get_account(request: Request, session: SessionDep, accounts: AccountsDep) -> Account | None:
    """The signed-in person, from the session cookie (pages only; the API takes keys)."""
    secret = session_secret(request)
    account = accounts.resume(session, secret) if secret else None
    request.state.account = account
    request.state.session_secret = secret if account else None
    return account


OptionalUserDep = Annotated[Account | None, Depends(get_account)]


def require_account(account: OptionalUserDep) -> Account:
    if account is None:
        raise SignInRequired()
    return account


UserDep = Annotated[Account, Depends(require_account)]


def _require_account(*roles: Role, why: str) -> object:
    def check(account: UserDep) -> Account:
        if account.role not in roles:
            article = "an" if account.role == "admin" else "a"
            raise Forbidden(f"{why} Your account is {article} {account.role}'s.")
        return account

    return Depends(check)


ModeratorUserDep = Annotated[
    Account,
    _require_account("moderator", "admin", why="This page is for moderators and admins."),
]
CouncilUserDep = Annotated[
    Account, _require_account("council", why="This page lists a council's own submissions.")
]


async def csrf_protect(request: Request, account: OptionalUserDep) -> None:
    """For every page router: a form post without this browser's token is refused."""
    await csrf.check(request)


async def get_embed_origins(request: Request) -> EmbedOrigins:
    origins: EmbedOrigins = request.app.state.embed_origins
    return origins


EmbedOriginsDep = Annotated[EmbedOrigins, Depends(get_embed_origins)]


async def get_alerts(request: Request) -> AlertService:
    service: AlertService = request.app.state.alerts
    return service


AlertsDep = Annotated[AlertService, Depends(get_alerts)]


async def get_review(request: Request) -> ReviewService:
    service: ReviewService = request.app.state.review
    return service


ReviewDep = Annotated[ReviewService, Depends(get_review)]


async def get_lay_language(request: Request) -> LayLanguage:
    service: LayLanguage = request.app.state.lay_language
    return service


async def get_best_bets(request: Request) -> BestBets:
    service: BestBets = request.app.state.best_bets
    return service


LayLanguageDep = Annotated[LayLanguage, Depends(get_lay_language)]
BestBetsDep = Annotated[BestBets, Depends(get_best_bets)]


async def get_reviews(request: Request) -> CurrencyChecks:
    service: CurrencyChecks = request.app.state.reviews
    return service


ReviewsDep = Annotated[CurrencyChecks, Depends(get_reviews)]
