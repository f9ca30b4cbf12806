"""The application factory: settings -> store and index -> routers, error handlers, middleware."""

import functools
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.config import ROOT, SERVED_BY, Settings
from app.core.collection import read_collection
from app.core.vocabulary import get_vocabulary
from app.search.index import SearchIndex
from app.services.accounts import LINK_REQUEST, AccountService
from app.services.alert_sender import AlertSender
from app.services.alerts import MANAGE_REQUEST, AlertService
from app.services.amendment_decisions import AmendmentDecisions
from app.services.amendments import AmendmentService
from app.services.analytics import QueryCounter
from app.services.best_bets import BestBets
from app.services.collection import load_collection
from app.services.curation import Curation
from app.services.embed_origins import EmbedOrigins
from app.services.heap import Heap
from app.services.indexing import IndexSync, ensure_index, sync_index
from app.services.lay_language import LayLanguage
from app.services.mail import Mailer
from app.services.metrics import Metrics
from app.services.moderation import ModerationService
from app.services.notices import CouncilNotices
from app.services.review import ReviewService
from app.services.review_schedule import ReviewSchedule
from app.services.reviews import CurrencyChecks
from app.services.search import SearchService
from app.services.submissions import SubmissionService
from app.services.tagging import Tagger
from app.store import case_studies as store
from app.store.db import close_engine, init_db, make_engine
from app.web.auth import install_auth_handlers
from app.web.csrf import install_csrf_handler
from app.web.middleware.body_limit import BodyLimit
from app.web.middleware.cors import EmbedCORS
from app.web.middleware.etags import ETags
from app.web.middleware.head import HeadAsGet
from app.web.middleware.public_origin import PublicOrigin
from app.web.middleware.rate_limit import Limits, RateLimit
from app.web.middleware.request_context import RequestContext
from app.web.middleware.security_headers import SecurityHeaders
from app.web.observability import configure_logging
from app.web.pages import api_docs
from app.web.problems import install_error_handlers
from app.web.route_table import PROBLEM_RESPONSES, routes
from app.web.schemas import Problem

log = logging.getLogger("app")

DESCRIPTION = """
Search good-practice case studies on children's services from councils in England and Wales.

Every error is `application/problem+json` (RFC 9457) with a `detail` that says what to fix.
"""


def seed_if_empty(engine: Engine, settings: Settings) -> None:
    """Load the bundled collection into an empty store, so a fresh clone serves it at once."""
    with Session(engine) as session:
        if store.count_case_studies(session):
            return
    studies, problems = read_collection(settings.data_dir)
    for problem in problems:
        log.warning("collection: %s", problem)
    try:
        outcome = load_collection(engine, studies)
    except IntegrityError:  # another worker loaded it first
        log.info("collection already loaded by another process")
        return
    log.info("collection loaded: %s", dict(outcome))


def warn_if_served_bare() -> None:
    """uvicorn started on its own (`uvicorn app.main:app`) has no deadline for a request to
    arrive and believes X-Forwarded-For from 127.0.0.1; say so where operators look."""
    if "uvicorn.server" in sys.modules and not os.environ.get(SERVED_BY):
        log.warning(
            "served by uvicorn without `python -m app`: slow or silent clients are never cut "
            "off and X-Forwarded-For is believed from 127.0.0.1; see docs/deploy.md"
        )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    warn_if_served_bare()
    engine = make_engine(settings.database_url)
    log.info(init_db(engine, apply=settings.migrate_on_start))
    vocabulary = get_vocabulary()
    if settings.load_on_start:
        seed_if_empty(engine, settings)
    index = SearchIndex(settings.index_dir)
    log.info(ensure_index(engine, index, vocabulary))
    heap = Heap()
    heap.settle(index)  # before serving: a full collection then walks none of the index
    sync = IndexSync(engine, index, vocabulary, settings.index_sync_seconds, heap)
    sync.start()
    counter = QueryCounter(engine)
    counter.start()
    metrics: Metrics = app.state.metrics
    metrics.watch_index(engine, index)
    origins: EmbedOrigins = app.state.embed_origins
    log.info(origins.start(engine, settings.index_sync_seconds))
    curation = Curation()
    log.info(curation.start(engine, settings.index_sync_seconds))
    app.state.engine = engine
    app.state.vocabulary = vocabulary
    app.state.queries = counter
    app.state.search = SearchService(
        index,
        vocabulary,
        counter,
        metrics,
        cache_bytes=int(settings.search_cache_mb * 2**20),
        plan_bytes=None
        if settings.search_plans_mb is None
        else int(settings.search_plans_mb * 2**20),
        curation=curation,
    )
    app.state.lay_language = LayLanguage(app.state.search, curation, vocabulary)
    app.state.best_bets = BestBets(curation)
    mailer = Mailer.from_settings(engine, settings, metrics)
    notices = CouncilNotices(settings.link_base, mailer.wake)
    app.state.submissions = SubmissionService(index, notices)
    # A publish is in search before it is answered, the index rebuilt first if it has to be.
    app.state.moderation = ModerationService(lambda: sync_index(engine, index, vocabulary), notices)
    app.state.amendments = AmendmentService(index, notices)
    app.state.amendment_decisions = AmendmentDecisions(
        app.state.amendments, lambda: sync_index(engine, index, vocabulary), notices
    )
    app.state.tagger = Tagger(index, vocabulary)
    app.state.review = ReviewService(app.state.submissions, app.state.tagger)
    metrics.watch_outbox(engine)
    mailer.start()
    app.state.mailer = mailer
    app.state.accounts = AccountService(settings, mailer.wake)
    app.state.alerts = AlertService(settings, vocabulary, mailer.wake)
    mailer.prepares(LINK_REQUEST, app.state.accounts.prepare_link)
    mailer.prepares(MANAGE_REQUEST, app.state.alerts.prepare_manage_link)
    app.state.alert_sender = alert_sender = AlertSender(
        engine,
        index,
        vocabulary,
        app.state.search,
        app.state.alerts,
        settings.alert_send_seconds,
        settings.alert_lease_seconds,
    )
    if settings.alert_send_seconds:
        alert_sender.start()
    app.state.reviews = reviews = CurrencyChecks(
        settings, mailer.wake, lambda: sync_index(engine, index, vocabulary), app.state.amendments
    )
    review_schedule = ReviewSchedule(engine, reviews, settings.review_check_minutes)
    log.info(review_schedule.start())
    try:
        yield
    finally:
        review_schedule.stop()
        alert_sender.stop()
        mailer.stop()
        counter.stop()
        origins.stop()
        curation.stop()
        sync.stop()
        index.close()
        heap.release()
        if not close_engine(engine):
            log.warning("closed the store with a connection still in use by a background task")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the Problem document every error response refers to."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    app.openapi_schema = schema
    return schema


def allowed_origins(settings: Settings) -> EmbedOrigins:
    """The websites allowed to embed, seeded from CORS_ORIGINS and EMBED_ORIGINS (one list now:
    a site may both call the API and frame /embed); `*` in either still opens that to all."""
    listed = [o for o in (*settings.cors_origins, *settings.embed_origins) if o != "*"]
    return EmbedOrigins(
        listed, cors_all="*" in settings.cors_origins, frame_all="*" in settings.embed_origins
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="Bright Futures case study search",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        # /docs and /redoc are served by app.web.pages.api_docs, from packaged assets.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    configure_logging(settings.log_level, settings.log_format)
    app.state.settings = settings
    app.state.metrics = metrics = Metrics.create()
    app.state.embed_origins = origins = allowed_origins(settings)
    install_error_handlers(app)
    install_auth_handlers(app)
    install_csrf_handler(app)
    # Added innermost first. From the outside in: a request id and metrics for everything; the
    # public origin (an unknown Host refused, or every Host replaced by PUBLIC_URL's); security
    # headers and CORS on every answer, refusals included; rate and size limits before any work;
    # ETags on the finished body; innermost, HEAD served by the GET routes.
    app.add_middleware(HeadAsGet)
    app.add_middleware(ETags)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.state.limits = None
    if settings.rate_limited:
        app.state.limits = limits = Limits(
            settings.rate_limit, settings.write_rate_limit, settings.rate_limit_storage
        )
        app.add_middleware(RateLimit, limits=limits)
    app.add_middleware(EmbedCORS, origins=origins)
    app.add_middleware(
        SecurityHeaders, frame_ancestors=origins.frame_ancestors, hsts_seconds=settings.hsts_seconds
    )
    app.add_middleware(
        PublicOrigin, public_url=settings.public_url, trusted_hosts=settings.trusted_hosts
    )
    app.add_middleware(RequestContext, metrics=metrics)
    app.openapi = functools.partial(_openapi, app)  # type: ignore[method-assign]
    # The routes are put in as they are, not through include_router (see route_table.routes).
    app.router.routes.extend(routes())
    # For the Allow header of a 405: which methods each path serves (HEAD wherever GET).
    app.state.route_methods = [
        (route.path_regex, methods | ({"HEAD"} if "GET" in methods else set()))
        for route in routes()
        if isinstance(route, APIRoute) and (methods := set(route.methods or ()))
    ]
    app.mount(api_docs.ASSETS, api_docs.assets(), name="api-docs-assets")
    app.mount("/static", StaticFiles(directory=ROOT / "app" / "static"), name="static")
    return app


app = create_app()
