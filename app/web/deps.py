"""Typed dependencies that routes declare: the session, the settings, the services, and who is
asking (an API key's principal; a signed-in person's account)."""

import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.core.accounts import Account
from app.core.errors import Forbidden, Unauthenticated
from app.core.principals import Principal, Role
from app.core.vocabulary import Vocabulary
from app.services.accounts import AccountService
from app.services.alerts import AlertService
from app.services.amendment_decisions import AmendmentDecisions
from app.services.amendments import AmendmentService
from app.services.best_bets import BestBets
from app.services.embed_origins import EmbedOrigins
from app.services.lay_language import LayLanguage
from app.services.moderation import ModerationService
from app.services.review import ReviewService
from app.services.reviews import CurrencyChecks
from app.services.search import SearchService
from app.services.submissions import SubmissionService
from app.services.tagging import Tagger
from app.store.db import Session, reading, reads_locally
from app.store.keys import authenticate
from app.web import csrf
from app.web.auth import SignInRequired, session_secret
from app.web.middleware.rate_limit import WRITES, Limits, Refused, client_address

# Dependencies that only read app state are async: FastAPI runs a plain `def` dependency in the
# thread pool, and a search paid about 20 thread hand-offs a request for them.


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def _state(name: str) -> Any:
    """A dependency that reads one of what create_app put on app.state (settings, vocabulary, a
    service)."""

    async def read(request: Request) -> Any:
        return getattr(request.app.state, name)

    return Depends(read)


SettingsDep = Annotated[Settings, _state("settings")]
SearchDep = Annotated[SearchService, _state("search")]
VocabularyDep = Annotated[Vocabulary, _state("vocabulary")]
SubmissionsDep = Annotated[SubmissionService, _state("submissions")]
ModerationDep = Annotated[ModerationService, _state("moderation")]
AmendmentsDep = Annotated[AmendmentService, _state("amendments")]
AmendmentDecisionsDep = Annotated[AmendmentDecisions, _state("amendment_decisions")]
TaggerDep = Annotated[Tagger, _state("tagger")]
AccountsDep = Annotated[AccountService, _state("accounts")]
EmbedOriginsDep = Annotated[EmbedOrigins, _state("embed_origins")]
AlertsDep = Annotated[AlertService, _state("alerts")]
ReviewDep = Annotated[ReviewService, _state("review")]
LayLanguageDep = Annotated[LayLanguage, _state("lay_language")]
BestBetsDep = Annotated[BestBets, _state("best_bets")]
ReviewsDep = Annotated[CurrencyChecks, _state("reviews")]


async def get_base_url(request: Request) -> str:
    """Where the service is reached, for links: PUBLIC_URL, or else the request's own scheme and
    host, which PublicOrigin has already checked against TRUSTED_HOSTS."""
    settings: Settings = request.app.state.settings
    return settings.public_url or str(request.base_url).rstrip("/")


SessionDep = Annotated[Session, Depends(get_session)]
BaseUrlDep = Annotated[str, Depends(get_base_url)]


@dataclass(frozen=True)
class Searching:
    """What the search API, the search page and the embed page take from the app, as one
    dependency instead of three or four: FastAPI's dependency step costs each dependency of
    each request its own pass (issue 19). The endpoint opens its session with `open_session`
    in its own thread: a `def` generator dependency costs two more thread hand-offs (to open
    and to close) a request. `local`: the store is read without a network round trip (SQLite),
    so the search API may read the change log's head on the event loop for a kept page."""

    service: SearchService
    vocabulary: Vocabulary
    base_url: str
    open_session: Callable[[], AbstractContextManager[Session]]
    local: bool = False


async def get_searching(request: Request) -> Searching:
    state = request.app.state
    opener = functools.partial(reading, state.engine)
    local = reads_locally(state.engine)
    return Searching(state.search, state.vocabulary, await get_base_url(request), opener, local)


SearchingDep = Annotated[Searching, Depends(get_searching)]


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


# -- people in the browser ---------------------------------------------------------------------


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
# A draft's pages: a council's officers, or an admin changing the campaign's own collection
# (admin is the role that may change a campaign case study's amendment, as in the API).
DrafterDep = Annotated[
    Account,
    _require_account(
        "council",
        "admin",
        why="Drafts are for council officers, and for admins changing the campaign's own "
        "case studies.",
    ),
]
AdminUserDep = Annotated[
    Account,
    _require_account(
        "admin", why="Only an admin can change a case study of the campaign's own collection."
    ),
]


async def csrf_protect(request: Request, account: OptionalUserDep) -> None:
    """For every page router: a form post without this browser's token is refused."""
    await csrf.check(request)
