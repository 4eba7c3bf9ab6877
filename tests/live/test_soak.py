"""A bounded soak of live updates (issue 12): 200 subscribers on two instances and a
stream of changes for 30 s. Every subscriber receives every event of its account
exactly once, in commit order, and the servers' memory does not grow.

The servers run on the real clock, so each event's `at` (the change's instant, also in
the audit trail) names it.

Marked `soak`: `make test` leaves it out; `make soak` and CI run it (PostgreSQL).
"""

import asyncio
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from services.auth import issue_token
from services.catalog import PlanCode
from services.persistence.tables import SubscriptionChange, User
from tests.live.test_account_events import Client
from tests.support.api import SECRET
from tests.support.factories import account_with_admin, trialing_subscription
from tests.support.live import LiveClient
from tests.support.operations import UPDATE_QUANTITY

pytestmark = pytest.mark.soak

ACCOUNTS = 20
SUBSCRIBERS_PER_ACCOUNT = 10  # 200 in all, half on each instance
SECONDS = 30
CHANGES_PER_SECOND = 10
MEMORY_MARGIN_MB = 25


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(pid)


@pytest.fixture(autouse=True)
def only_postgresql(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("the soak runs two instances on PostgreSQL")


async def accounts_with_an_admin(db) -> tuple[list[int], list[str]]:
    """The accounts' database ids and their admins' tokens."""
    account_ids, tokens = [], []
    for number in range(ACCOUNTS):
        email = f"owner{number}@soak.test"
        now = datetime.now(UTC)  # trials end in a week: no billing during the soak
        account = await account_with_admin(db, f"Soak {number}", email, now)
        await trialing_subscription(db, account.id, PlanCode.SLACK, 1, now)
        async with db.session() as session:
            user_id = (await session.exec(select(User.id).where(User.email == email))).one()
        account_ids.append(account.id)
        tokens.append(issue_token(SECRET, user_id))
    return account_ids, tokens


async def test_two_hundred_subscribers_hear_every_change_once_in_order(instances, db):
    account_ids, tokens = await accounts_with_an_admin(db)
    servers = await asyncio.gather(
        *(
            instances(clock=None, OCTOPODS_INSTANCE_ID=name, OCTOPODS_LOG_LEVEL="WARNING")
            for name in "ab"
        )
    )
    clients = [Client(servers[n % 2], token) for n, token in enumerate(tokens)]
    accounts = [(await client.ids())[f"Soak {n}"] for n, client in enumerate(clients)]

    # received[account][subscriber] = [(at, when), ...]
    received: list[list[list[tuple[str, float]]]] = [[] for _ in range(ACCOUNTS)]
    watchers = []
    for number, account in enumerate(accounts):
        for copy in range(SUBSCRIBERS_PER_ACCOUNT):
            watcher = await LiveClient.signed_in(servers[copy % 2].ws_url, tokens[number])
            await watcher.subscribe(account["id"])
            stream: list[tuple[str, float]] = []
            received[number].append(stream)
            watchers.append((watcher, stream))
    await asyncio.sleep(1.0)
    memory_before = [resident_mb(server.process.pid) for server in servers]

    async def listen(watcher: LiveClient, stream: list) -> None:
        while True:
            event = await watcher.event(within=SECONDS + 10)
            assert event["kind"] == "QUANTITY_CHANGED", event
            stream.append((event["at"], time.monotonic()))

    listeners = [asyncio.create_task(listen(w, s)) for w, s in watchers]
    sent: list[list[float]] = [[] for _ in range(ACCOUNTS)]  # when each change was sent
    busy: dict[int, asyncio.Task] = {}
    quantities = [1] * ACCOUNTS
    rng = random.Random(5)

    async def change(number: int, quantity: int) -> None:
        variables = {"input": {"subscriptionId": accounts[number]["SLACK"], "quantity": quantity}}
        sent[number].append(time.monotonic())
        result = await clients[number].data(UPDATE_QUANTITY, variables)
        assert result["updateQuantity"]["errors"] == [], result

    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        number = rng.randrange(ACCOUNTS)
        if number not in busy or busy[number].done():  # one change per account at a time
            quantities[number] = rng.choice([q for q in range(1, 51) if q != quantities[number]])
            busy[number] = asyncio.create_task(change(number, quantities[number]))
        await asyncio.sleep(1 / CHANGES_PER_SECOND)
    await asyncio.gather(*busy.values())
    await asyncio.sleep(2.0)
    for task in listeners:
        task.cancel()
    memory_after = [resident_mb(server.process.pid) for server in servers]

    number_of = {account_id: number for number, account_id in enumerate(account_ids)}
    committed: list[list[str]] = [[] for _ in range(ACCOUNTS)]
    async with db.session() as session:
        statement = select(SubscriptionChange).order_by(SubscriptionChange.id)
        for made in (await session.exec(statement)).all():
            if made.old_quantity is not None:
                at = made.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
                committed[number_of[made.account_id]].append(at)
    latencies = []
    for number in range(ACCOUNTS):
        assert len(committed[number]) == len(sent[number])
        for stream in received[number]:
            assert [at for at, _ in stream] == committed[number]  # once each, in order
            for (_, arrived), when in zip(stream, sent[number], strict=True):
                latencies.append(arrived - when)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\nsoak: {len(watchers)} subscribers, {sum(map(len, sent))} changes, "
        f"{len(latencies)} events; "
        f"delivery (request sent → event received) p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; "
        f"resident memory MB before {memory_before}, after {memory_after}"
    )
    for before, after in zip(memory_before, memory_after, strict=True):
        assert after - before < MEMORY_MARGIN_MB
    for watcher, _ in watchers:
        await watcher.close()
