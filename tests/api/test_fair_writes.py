"""On SQLite, changes of one process queue for the write lock in the order they came
(services.persistence.write_queue): one at a time asks SQLite for it, none polls it, and
a change queued too long is told to retry, having written nothing."""

import asyncio
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import event

from services.settings import DatabaseLimits
from tests.api.lookups import acme_omnichannel_id
from tests.support.operations import UPDATE_QUANTITY
from tests.support.people import ADA
from tests.support.snapshot import snapshot

HISTORY = """
query($id: ID!) { subscription(id: $id) { history(first: 100) { edges { node { newQuantity } } } } }
"""


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL writers take row locks and do not queue in the process")


async def send(api, token: str, variables: dict) -> httpx.Response:
    """An updateQuantity with a token the client already holds (no lookup of its own)."""
    body = {"query": UPDATE_QUANTITY, "variables": variables}
    return await api.client.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def codes(response: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json().get("errors", [])]


def change(subscription_id: str, quantity: int, key: str) -> dict:
    return {
        "input": {"subscriptionId": subscription_id, "quantity": quantity, "idempotencyKey": key}
    }


def count_writers_at_sqlite_lock(engine) -> dict[str, int]:
    """How many of the engine's connections at once have asked for SQLite's write lock
    (BEGIN IMMEDIATE) and not yet ended their transaction, at most."""
    asking: set[int] = set()
    seen = {"most": 0}

    def asked(connection, _cursor, statement: str, *_args) -> None:
        if statement == "BEGIN IMMEDIATE":
            asking.add(id(connection))
            seen["most"] = max(seen["most"], len(asking))

    def ended(connection) -> None:
        asking.discard(id(connection))  # a reader's end too, which never asked

    event.listen(engine.sync_engine, "before_cursor_execute", asked)
    event.listen(engine.sync_engine, "commit", ended)
    event.listen(engine.sync_engine, "rollback", ended)
    return seen


async def until_queued(db, writers: int) -> None:
    """Until `writers` wait in the queue (given up after 10 s: without the queue no one
    ever does, and the test then shows what happens instead)."""
    for _ in range(2000):
        if db.writers.waiting >= writers:
            return
        await asyncio.sleep(0.005)


async def applied(api, subscription_id: str) -> list[int]:
    """The new quantities of the subscription's changes, oldest first."""
    data = await api.data(HISTORY, {"id": subscription_id})
    edges = data["subscription"]["history"]["edges"]
    return [e["node"]["newQuantity"] for e in reversed(edges)]  # it lists newest first


@asynccontextmanager
async def writing(db):
    """A write in progress: a transaction holding SQLite's write lock."""
    async with db.transaction() as session:
        await session.connection()  # its BEGIN IMMEDIATE
        yield


async def test_32_concurrent_changes_all_apply_and_ask_sqlite_for_its_lock_one_at_a_time(
    sqlite_only, api
):
    token = await api.token(ADA)
    subscription_id = await acme_omnichannel_id(api)
    at_lock = count_writers_at_sqlite_lock(api.app.state.db.engine)

    answers = await asyncio.gather(
        *(send(api, token, change(subscription_id, 10 + n, f"k{n}")) for n in range(32))
    )

    assert [codes(a) for a in answers] == [[]] * 32
    assert all(a.json()["data"]["updateQuantity"]["errors"] == [] for a in answers)
    assert at_lock["most"] == 1  # the others waited in the queue, not polling SQLite


async def test_changes_queued_behind_a_write_apply_in_the_order_they_came(sqlite_only, apis):
    # A lock timeout long enough for the slowest machine: this test is about order.
    api = await apis.start(seed=True, database_limits=DatabaseLimits(lock_timeout=30))
    token = await api.token(ADA)
    subscription_id = await acme_omnichannel_id(api)
    db = api.app.state.db
    before = await applied(api, subscription_id)
    quantities = [7, 4, 9, 5, 8, 6, 10, 2]

    sent = []
    async with writing(db):
        for n, quantity in enumerate(quantities):
            changed = change(subscription_id, quantity, f"order-{n}")
            sent.append(asyncio.create_task(send(api, token, changed)))
            await until_queued(db, n + 1)
    answers = await asyncio.gather(*sent)

    assert [codes(a) for a in answers] == [[]] * len(quantities)
    assert await applied(api, subscription_id) == before + quantities


async def test_a_change_queued_past_the_lock_timeout_is_unavailable_and_writes_nothing(
    sqlite_only, apis, db
):
    api = await apis.start(seed=True, database_limits=DatabaseLimits(lock_timeout=0.3))
    token = await api.token(ADA)
    subscription_id = await acme_omnichannel_id(api)
    before = await snapshot(db)

    async with writing(api.app.state.db), asyncio.timeout(10):  # a long write
        stuck = await send(api, token, change(subscription_id, 5, "late"))

    assert stuck.status_code == 503 and stuck.headers["retry-after"] == "1"
    [error] = stuck.json()["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["changeMayHaveApplied"] is False
    assert "Traceback" not in stuck.text and "Timeout" not in stuck.text
    assert await snapshot(db) == before
    retried = await send(api, token, change(subscription_id, 5, "late"))
    assert retried.json()["data"]["updateQuantity"]["errors"] == []


async def test_a_change_cancelled_while_queued_gives_up_its_place(sqlite_only, api):
    token = await api.token(ADA)
    subscription_id = await acme_omnichannel_id(api)
    db = api.app.state.db

    before = await applied(api, subscription_id)

    async with writing(db):
        gone = asyncio.create_task(send(api, token, change(subscription_id, 5, "a")))
        await until_queued(db, 1)
        gone.cancel()  # the client went away
        await asyncio.gather(gone, return_exceptions=True)
        waiting = asyncio.create_task(send(api, token, change(subscription_id, 6, "b")))
        await until_queued(db, 1)
    answered = await waiting

    assert db.writers.waiting == 0
    assert answered.json()["data"]["updateQuantity"]["subscription"]["quantity"] == 6
    assert await applied(api, subscription_id) == [*before, 6]
