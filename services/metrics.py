"""What the server counts for `GET /metrics` (server/metrics.py), in the Prometheus text
format. The families are defined here, in one registry; the rest of the code records
through the small functions below, so services know nothing of Prometheus or HTTP.

Labels stay bounded: an operation is named only when its document is a trusted one
(the manifest's names), and is "other" otherwise; kinds and outcomes are enumerations.
Each process counts its own (with `--workers N`, a scrape sees the worker it reached).
"""

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

disable_created_metrics()  # the *_created series say nothing a scraper needs
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

OPERATIONS = Counter(
    "octopods_graphql_operations",
    "GraphQL operations by name (a trusted document's; 'other' for any other), type and outcome",
    ["operation", "type", "outcome"],
    registry=REGISTRY,
)
OPERATION_SECONDS = Histogram(
    "octopods_graphql_operation_duration_seconds",
    "Time from parsing to the answer of queries and mutations, by name and outcome",
    ["operation", "outcome"],
    buckets=_REQUEST_BUCKETS,
    registry=REGISTRY,
)
EXECUTIONS = Counter(
    "octopods_graphql_query_executions",
    "Queries and mutations answered on a plan (planned) or by Strawberry's executor (generic)",
    ["operation", "path"],
    registry=REGISTRY,
)
FALLBACKS = Counter(
    "octopods_graphql_planned_fallbacks",
    "Planned operations that met something the plan does not handle: the generic executor "
    "answered them. Reason: variables, null, permission, refusal or error (a failure)",
    ["operation", "reason"],
    registry=REGISTRY,
)
POOL_WAITS = Counter(
    "octopods_database_pool_waits",
    "Times a request found every pooled connection in use and waited for one",
    registry=REGISTRY,
)
POOL_WAIT_SECONDS = Histogram(
    "octopods_database_pool_wait_seconds",
    "How long those waits took",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30),
    registry=REGISTRY,
)
BILLING_RUNS = Counter(
    "octopods_billing_runs", "Billing runs, by outcome (ok, failed)", ["outcome"], registry=REGISTRY
)
BILLING_RUN_SECONDS = Histogram(
    "octopods_billing_run_duration_seconds",
    "How long billing runs took",
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
INVOICES_ISSUED = Counter(
    "octopods_billing_invoices_issued", "Invoices issued by billing runs", registry=REGISTRY
)
REPLAYS = Counter(
    "octopods_idempotent_replays",
    "Changes repeated with the same idempotency key, answered with the first outcome",
    ["operation"],
    registry=REGISTRY,
)
STREAMS_OPEN = Gauge(
    "octopods_live_streams_open", "Live-update streams open on this instance", registry=REGISTRY
)
EVENTS_SENT = Counter(
    "octopods_live_events_sent", "Live events sent to streams, by kind", ["kind"], registry=REGISTRY
)


def operation_answered(
    name: str,
    kind: str,
    outcome: str,
    seconds: float,
    *,
    planned: bool,
    fallback: str | None = None,
) -> None:
    OPERATIONS.labels(name, kind, outcome).inc()
    if kind in ("query", "mutation"):
        OPERATION_SECONDS.labels(name, outcome).observe(seconds)
    if kind in ("query", "mutation"):
        EXECUTIONS.labels(name, "planned" if planned else "generic").inc()
    if fallback is not None:
        planned_fallback(name, fallback)


def planned_fallback(name: str, reason: str) -> None:
    FALLBACKS.labels(name, reason).inc()


class BillingRun:
    def __init__(self):
        self.issued = 0


@contextmanager
def billing_run() -> Iterator[BillingRun]:
    """Times a billing run; set `.issued`. An exception counts as a failed run."""
    run, started = BillingRun(), time.perf_counter()
    try:
        yield run
    except BaseException:
        BILLING_RUNS.labels("failed").inc()
        raise
    finally:
        BILLING_RUN_SECONDS.observe(time.perf_counter() - started)
    BILLING_RUNS.labels("ok").inc()
    INVOICES_ISSUED.inc(run.issued)


def replayed(operation: str) -> None:
    REPLAYS.labels(operation).inc()


def stream_opened() -> None:
    STREAMS_OPEN.inc()


def stream_closed() -> None:
    STREAMS_OPEN.dec()


def event_sent(kind: str) -> None:
    EVENTS_SENT.labels(kind).inc()


class _Pools(Collector):
    """Connections in use and the pool's size, read from the watched pools at scrape."""

    def __init__(self):
        self.pools: weakref.WeakSet = weakref.WeakSet()

    def collect(self):
        pools = list(self.pools)
        in_use = GaugeMetricFamily(
            "octopods_database_pool_connections_in_use", "Pooled connections checked out now"
        )
        in_use.add_metric([], sum(pool.checkedout() for pool in pools))
        size = GaugeMetricFamily(
            "octopods_database_pool_size", "Connections the pools keep (overflow aside)"
        )
        size.add_metric([], sum(pool.size() for pool in pools))
        return [in_use, size]


_POOLS = _Pools()
REGISTRY.register(_POOLS)


def watch_pool(pool) -> None:
    """Count a SQLAlchemy QueuePool's waits: a checkout that finds no idle connection and
    the pool at its limit waits for one to come back."""
    if pool in _POOLS.pools:
        return
    _POOLS.pools.add(pool)
    checkout = pool._do_get  # the pool's own hook for getting a connection

    def timed_checkout():
        if pool.checkedin() > 0 or pool.overflow() < getattr(pool, "_max_overflow", 0):
            return checkout()
        started = time.perf_counter()
        try:
            return checkout()
        finally:
            POOL_WAITS.inc()
            POOL_WAIT_SECONDS.observe(time.perf_counter() - started)

    pool._do_get = timed_checkout
