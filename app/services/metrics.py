"""The service's Prometheus metrics, in a registry of their own (one per app)."""

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.search.index import SearchIndex
from app.services.health import index_state
from app.store import outbox
from app.store.db import Engine, Session


@dataclass
class Metrics:
    """The service's metrics, in a registry of its own (one per app)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    searches: Counter
    zero_results: Counter
    mail_sent: Counter
    mail_failures: Counter
    mail_given_up: Counter

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
            mail_sent=Counter("bf_mail_sent", "Mail delivered", registry=registry),
            mail_failures=Counter(
                "bf_mail_failures", "Mail delivery attempts that failed", registry=registry
            ),
            mail_given_up=Counter(
                "bf_mail_given_up", "Mail given up on after its last attempt", registry=registry
            ),
        )

    def watch_index(self, engine: Engine, index: SearchIndex) -> None:
        self.registry.register(_IndexCollector(engine, index))

    def watch_outbox(self, engine: Engine) -> None:
        self.registry.register(_OutboxCollector(engine))


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


class _OutboxCollector(Collector):
    """Mail waiting to be sent, and mail given up on, read from the store when scraped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with Session(self.engine) as session:
                found = outbox.counts(session)
        except Exception:  # a scrape must not fail because the store is down
            return
        yield GaugeMetricFamily(
            "bf_mail_waiting", "Mail in the outbox waiting to be sent or retried", found["waiting"]
        )
        yield GaugeMetricFamily(
            "bf_mail_failed", "Mail in the outbox that was given up on", found["failed"]
        )
