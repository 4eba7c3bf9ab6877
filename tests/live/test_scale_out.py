"""Several instances on one PostgreSQL database (SPEC §11, issue 12): live events cross
instances, changes split across them still serialise, billing runs once, and every
request names the instance that served it."""

import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from services.billing.cycle import billing_state
from services.catalog import PlanCode, plan_for
from services.persistence.notify import APPLICATION_NAME
from services.persistence.tables import Invoice, Subscription
from tests.billing.test_exactly_once import many_due_subscriptions
from tests.live.test_account_events import ADA, Client
from tests.support.chains import assert_one_chain
from tests.support.live import LiveClient
from tests.support.operations import UPDATE_QUANTITY
from tests.support.snapshot import count

OMNICHANNEL = plan_for(PlanCode.OMNICHANNEL)


@pytest.fixture(autouse=True)
def only_postgresql(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("several instances share PostgreSQL; SQLite is one process's")


async def two(instances, **env) -> tuple:
    first = await instances(seeded=True, OCTOPODS_INSTANCE_ID="alpha", **env)
    second = await instances(OCTOPODS_INSTANCE_ID="beta", **env)
    return first, second


async def test_a_change_through_one_instance_reaches_a_subscriber_of_the_other(instances, tokens):
    alpha, beta = await two(instances)
    token = await tokens(ADA)
    through_alpha = Client(alpha, token)
    acme = (await through_alpha.ids())["Acme Support"]
    watcher = await LiveClient.signed_in(beta.ws_url, token)
    await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.3)

    latencies = []
    for quantity in [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]:
        change = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": quantity}}
        sent = time.monotonic()
        await through_alpha.data(UPDATE_QUANTITY, change)
        event = await watcher.event(within=1.0)
        latencies.append(time.monotonic() - sent)
        assert (event["kind"], event["subscription"]["quantity"]) == ("QUANTITY_CHANGED", quantity)

    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"\ncross-instance delivery: p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms (request to event, {len(latencies)} changes)")  # fmt: skip
    assert max(latencies) < 1.0
    await watcher.close()


async def test_thirty_changes_split_across_two_instances_form_one_chain(instances, tokens, db):
    alpha, beta = await two(instances)
    token = await tokens(ADA)
    clients = [Client(alpha, token), Client(beta, token)]
    acme = (await clients[0].ids())["Acme Support"]
    quantities = random.Random(12).choices(range(1, 51), k=30)

    async def change(number: int, quantity: int) -> dict:
        variables = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": quantity}}
        return await clients[number % 2].data(UPDATE_QUANTITY, variables)

    results = await asyncio.gather(*(change(n, q) for n, q in enumerate(quantities)))

    codes = {e["code"] for r in results for e in r["updateQuantity"]["errors"]}
    assert codes <= {"QUANTITY_UNCHANGED"}
    accepted = sum(not r["updateQuantity"]["errors"] for r in results)
    changes = await assert_one_chain(db, accepted)
    assert {made.served_by for made in changes} == {"alpha", "beta"}


async def test_twenty_duplicates_split_across_two_instances_make_one_change(instances, tokens, db):
    alpha, beta = await two(instances)
    token = await tokens(ADA)
    clients = [Client(alpha, token), Client(beta, token)]
    acme = (await clients[0].ids())["Acme Support"]
    variables = {
        "input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 5, "idempotencyKey": "tap"}
    }

    results = await asyncio.gather(
        *(clients[n % 2].data(UPDATE_QUANTITY, variables) for n in range(20))
    )

    assert all(result == results[0] for result in results)
    assert results[0]["updateQuantity"]["prorationLine"]["amount"]["amount"] == "41.60"
    assert await count(db, "subscription_changes") == 1


async def test_overlapping_billing_runs_of_two_instances_issue_every_invoice_once(instances, db):
    subscription_ids = await many_due_subscriptions(db, accounts=8)
    # The real clock, with each instance billing every 0.2 s on its own.
    await asyncio.gather(
        *(
            instances(
                clock=None, OCTOPODS_INSTANCE_ID=name, OCTOPODS_BILLING_INTERVAL_SECONDS="0.2"
            )
            for name in ("alpha", "beta")
        )
    )

    now = datetime.now(UTC)
    for _ in range(100):
        async with db.session() as session:
            found = (await session.exec(select(Subscription))).all()
        if all(billing_state(s).next_boundary > now for s in found):
            break
        await asyncio.sleep(0.1)
    async with db.session() as session:
        invoices = (await session.exec(select(Invoice))).all()
    keys = [(invoice.subscription_id, invoice.period_start) for invoice in invoices]
    assert len(keys) == len(set(keys))
    assert {invoice.subscription_id for invoice in invoices} == set(subscription_ids)
    assert all(billing_state(s).next_boundary > now for s in found)


async def test_while_one_instance_scans_for_billing_the_others_skip(instances, db):
    await many_due_subscriptions(db, accounts=1)
    async with db.alone("billing run") as alone:  # as if another instance were scanning
        assert alone
        await instances(clock=None, OCTOPODS_BILLING_INTERVAL_SECONDS="0.2")
        await asyncio.sleep(1.0)
        assert await count(db, "invoices") == 0
    for _ in range(50):
        if await count(db, "invoices") > 0:
            break
        await asyncio.sleep(0.1)
    assert await count(db, "invoices") > 0


async def test_every_log_line_is_json_and_names_the_instance(instances, tokens):
    alpha, _ = await two(instances)
    await Client(alpha, await tokens(ADA)).ids()

    # Every line the server writes, uvicorn's included, is one JSON object.
    written = [json.loads(line) for line in alpha.log.read_text().splitlines()]
    logged = [entry for entry in written if entry.get("event") == "graphql"]
    assert logged and {entry["instance"] for entry in logged} == {"alpha"}
    assert all(entry["request_id"] for entry in logged)
    assert {entry["instance"] for entry in written} == {"alpha"}


async def test_a_lost_listener_reconnects_and_tells_its_subscribers_to_read_afresh(
    instances, tokens, db
):
    alpha, beta = await two(instances)
    token = await tokens(ADA)
    acme = (await Client(alpha, token).ids())["Acme Support"]
    watcher = await LiveClient.signed_in(beta.ws_url, token)
    await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.3)

    async with db.engine.connect() as connection:
        terminated = await connection.scalar(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": APPLICATION_NAME},
        )
    assert terminated == 2  # one listener per instance

    assert (await watcher.event(within=5.0))["kind"] == "RESYNC"
    change = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 7}}
    await Client(alpha, token).data(UPDATE_QUANTITY, change)
    assert (await watcher.event(within=2.0))["kind"] == "QUANTITY_CHANGED"
    await watcher.close()


async def test_one_port_served_by_two_workers_fans_events_out_to_both(instances, tokens):
    server = await instances(seeded=True, arguments=("--workers", "2"))
    token = await tokens(ADA)
    acme = (await Client(server, token).ids())["Acme Support"]
    watchers = [await LiveClient.signed_in(server.ws_url, token) for _ in range(6)]
    for watcher in watchers:
        await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.3)

    change = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 8}}
    await Client(server, token).data(UPDATE_QUANTITY, change)

    assert len(server.workers) == 2
    for watcher in watchers:
        assert (await watcher.event(within=2.0))["subscription"]["quantity"] == 8
        await watcher.close()
