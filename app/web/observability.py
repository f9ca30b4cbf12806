"""What operators see: JSON logs with a request id, Prometheus metrics, and readiness.

Logs carry the method, the route template, the status and the time taken, never a query
string, a body or a header, so neither keys nor what people typed reach them.
"""

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.search.index import SearchIndex
from app.store import case_studies as store
from app.store.models import ChangeLog

request_id: ContextVar[str] = ContextVar("request_id", default="-")
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("app.request")
READY_LAG_SECONDS = 10.0  # a change may wait this long for the index before we are not ready


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: str, fmt: str) -> None:
    """One handler on the root logger, JSON by default; uvicorn's loggers go through it and its
    access log is replaced by ours (which leaves out query strings)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bright_futures", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler._bright_futures = True  # type: ignore[attr-defined]
    handler.addFilter(_RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{request_id}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


@dataclass
class Metrics:
    """The service's metrics, in a registry of its own (one per app)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    searches: Counter
    zero_results: Counter

    @classmethod
    def create(cls) -> "Metrics":
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            requests=Counter(
                "bf_http_requests",
                "HTTP requests by route and status",
                ["method", "route", "status"],
                registry=registry,
            ),
            latency=Histogram(
                "bf_http_request_duration_seconds",
                "Time to answer, by route",
                ["method", "route"],
                buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
                registry=registry,
            ),
            searches=Counter("bf_searches", "Searches answered", registry=registry),
            zero_results=Counter(
                "bf_zero_result_searches", "Searches that found nothing", registry=registry
            ),
        )

    def watch_index(self, engine: Engine, index: SearchIndex) -> None:
        self.registry.register(_IndexCollector(engine, index))


class _IndexCollector(Collector):
    """Index lag and size, read when Prometheus scrapes."""

    def __init__(self, engine: Engine, index: SearchIndex) -> None:
        self.engine = engine
        self.index = index

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            state = index_state(self.engine, self.index)
        except Exception:  # a scrape must not fail because the store is down
            return
        yield GaugeMetricFamily(
            "bf_index_lag_changes", "Store changes not yet in this process's index", state.lag
        )
        yield GaugeMetricFamily(
            "bf_index_lag_seconds", "Age of the oldest change not yet indexed", state.lag_seconds
        )
        yield GaugeMetricFamily(
            "bf_index_documents", "Published case studies in the index", state.documents
        )


@dataclass(frozen=True)
class IndexState:
    applied: int
    latest: int
    lag: int
    lag_seconds: float
    documents: int


def index_state(engine: Engine, index: SearchIndex) -> IndexState:
    applied = index.applied_change_id()
    with Session(engine) as session:
        latest = store.last_change_id(session)
        oldest = session.exec(
            select(func.min(ChangeLog.at)).where(col(ChangeLog.id) > applied)
        ).one()
        lag = int(
            session.exec(
                select(func.count()).select_from(ChangeLog).where(col(ChangeLog.id) > applied)
            ).one()
        )
    waited = 0.0
    if oldest is not None:
        stamp = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
        waited = max(0.0, time.time() - stamp.timestamp())
    return IndexState(applied, latest, lag, waited, index.doc_count())


def readiness(engine: Engine, index: SearchIndex) -> tuple[bool, dict[str, Any]]:
    """Ready when the store answers and the index holds every change older than a few seconds."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        return False, {"store": f"unreachable: {type(error).__name__}"}
    if not index.exists():
        return False, {"store": "ok", "index": "missing or unreadable; rebuilding"}
    state = index_state(engine, index)
    report = {
        "store": "ok",
        "index": {
            "applied_change": state.applied,
            "latest_change": state.latest,
            "pending_changes": state.lag,
            "oldest_pending_seconds": round(state.lag_seconds, 3),
            "documents": state.documents,
        },
    }
    return state.lag == 0 or state.lag_seconds < READY_LAG_SECONDS, report


class RequestContext:
    """A request id for every request (a client's own X-Request-ID if it is sane), in the logs
    and the response; one log line and the metrics per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = sent if _GOOD_ID.match(sent) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id.reset(token)
