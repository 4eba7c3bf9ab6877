"""GET /metrics (Prometheus text format): open in development, behind a bearer token in
production; each family moves when its event happens. The counters are the process's,
so each test compares before and after."""

import asyncio
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from schema import manifest
from services import metrics
from services.billing.run import run_billing
from tests.api.lookups import acme_omnichannel_id
from tests.support.operations import ADVANCE_CLOCK

# The counters are the process's: a generic twin's requests would move them too.
pytestmark = pytest.mark.no_twin
TOKEN = "a-metrics-token-for-the-tests-only"


def operation_text(name: str) -> str:
    for text in manifest.operation_files().values():
        if f"query {name}(" in text or f"mutation {name}(" in text:
            return text
    raise AssertionError(name)


async def scrape(api, headers: dict | None = None) -> dict[tuple, float]:
    response = await api.client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def moved(before: dict, after: dict, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_every_family_is_there(api):
    response = await api.client.get("/metrics")
    families = {family.name for family in text_string_to_metric_families(response.text)}

    assert families >= {
        "octopods_graphql_operations",
        "octopods_graphql_operation_duration_seconds",
        "octopods_graphql_query_executions",
        "octopods_graphql_planned_fallbacks",
        "octopods_database_pool_connections_in_use",
        "octopods_database_pool_size",
        "octopods_database_pool_waits",
        "octopods_database_pool_wait_seconds",
        "octopods_billing_runs",
        "octopods_billing_run_duration_seconds",
        "octopods_billing_invoices_issued",
        "octopods_idempotent_replays",
        "octopods_live_streams_open",
        "octopods_live_events_sent",
        "process_cpu_seconds",
    }


async def test_production_needs_the_token(apis):
    protected = await apis.start(clock=None, env="production", metrics_token=TOKEN)

    assert (await protected.client.get("/metrics")).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (await protected.client.get("/metrics", headers=wrong)).status_code == 401
    await scrape(protected, {"Authorization": f"Bearer {TOKEN}"})


async def test_production_without_a_token_has_no_metrics(apis):
    api = await apis.start(clock=None, env="production")

    assert (await api.client.get("/metrics")).status_code == 404


async def test_operations_are_named_only_for_trusted_documents(api):
    before = await scrape(api)

    await api.data(operation_text("Dashboard"))
    await api.data("query Mine { viewer { email } }")
    await api.gql("{ nothing }")

    after = await scrape(api)
    operations = "octopods_graphql_operations_total"
    assert moved(before, after, operations, operation="Dashboard", type="query", outcome="ok") == 1
    assert moved(before, after, operations, operation="other", type="query", outcome="ok") == 1
    assert (
        moved(before, after, operations, operation="other", type="query", outcome="client_error")
        == 1
    )
    latency = "octopods_graphql_operation_duration_seconds_count"
    assert moved(before, after, latency, operation="Dashboard", outcome="ok") == 1
    assert all(dict(labels).get("operation") != "Mine" for _name, labels in after), (
        "a client's own operation name is not a label"
    )


@pytest.mark.execution_path("planned")
async def test_planned_generic_and_fallback_queries(api):
    subscription_id = await acme_omnichannel_id(api)
    before = await scrape(api)

    await api.data(operation_text("Dashboard"))  # planned
    await api.data(operation_text("SubscriptionHistory"), {"subscriptionId": subscription_id})
    refused = await api.gql(
        operation_text("PreviewCost"), {"subscriptionId": subscription_id, "quantity": 0}
    )  # planned, then the generic executor reports INVALID_QUANTITY

    after = await scrape(api)
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_QUANTITY"
    executions = "octopods_graphql_query_executions_total"
    assert moved(before, after, executions, operation="Dashboard", path="planned") == 1
    assert moved(before, after, executions, operation="SubscriptionHistory", path="generic") == 1
    assert moved(before, after, executions, operation="PreviewCost", path="generic") == 1
    fallbacks = "octopods_graphql_planned_fallbacks_total"
    assert moved(before, after, fallbacks, operation="PreviewCost", reason="refusal") == 1


async def test_a_change_and_its_replay(api):
    subscription_id = await acme_omnichannel_id(api)
    change = {"input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "k1"}}
    before = await scrape(api)

    await api.data(operation_text("UpdateQuantity"), change)
    await api.data(operation_text("UpdateQuantity"), change)

    after = await scrape(api)
    operations = "octopods_graphql_operations_total"
    ok = {"operation": "UpdateQuantity", "type": "mutation", "outcome": "ok"}
    assert moved(before, after, operations, **ok) == 2
    replays = "octopods_idempotent_replays_total"
    assert moved(before, after, replays, operation="change_quantity") == 1


async def test_a_billing_run(api):
    before = await scrape(api)

    issued = await api.data(ADVANCE_CLOCK, {"to": "2026-12-01T00:00:00Z"})

    after = await scrape(api)
    count = issued["advanceTestClock"]["invoicesIssued"]
    assert count >= 1
    assert moved(before, after, "octopods_billing_runs_total", outcome="ok") == 1
    assert moved(before, after, "octopods_billing_run_duration_seconds_count") == 1
    assert moved(before, after, "octopods_billing_invoices_issued_total") == count


async def test_a_failed_billing_run(db, monkeypatch):
    import services.billing.run

    async def fails(*_args) -> list:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.billing.run, "bill_accounts", fails)
    failed = metrics.BILLING_RUNS.labels("failed")
    before = failed._value.get()

    with pytest.raises(RuntimeError):
        await run_billing(db, datetime(2026, 12, 1, tzinfo=UTC))

    assert failed._value.get() == before + 1


async def test_waiting_for_a_pooled_connection(tmp_path):
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path}/pool.db", pool_size=1, max_overflow=0
    )
    metrics.watch_pool(engine.pool)
    waits = metrics.POOL_WAITS._value.get()
    try:
        async with engine.connect():
            second = asyncio.create_task(_connect_once(engine))
            await asyncio.sleep(0.05)
            assert not second.done()
        await second
    finally:
        await engine.dispose()

    assert metrics.POOL_WAITS._value.get() == waits + 1


async def _connect_once(engine) -> None:
    async with engine.connect():
        pass
