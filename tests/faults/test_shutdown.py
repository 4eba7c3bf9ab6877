"""SIGTERM during a burst: the server stops accepting, answers every request it took
(bounded by OCTOPODS_GRACEFUL_SHUTDOWN_SECONDS) and exits with status 0."""

import asyncio
import signal
import sqlite3
import time

import asyncpg
import httpx
import pytest

from tests.faults.clients import DASHBOARD_LIGHT
from tests.faults.served import Served
from tests.support.operations import UPDATE_QUANTITY
from tests.support.snapshot import count

pytestmark = pytest.mark.slow

OMNICHANNEL = "{ viewer { memberships { account { subscriptions { id plan { code } } } } } }"


async def _post(url: str, token: str, query: str, variables: dict | None = None):
    # A connection each, as separate clients would open.
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )


async def _omnichannel(url: str, token: str) -> str:
    data = (await _post(url, token, OMNICHANNEL)).json()["data"]
    [found] = [
        subscription["id"]
        for membership in data["viewer"]["memberships"]
        for subscription in membership["account"]["subscriptions"]
        if subscription["plan"]["code"] == "OMNICHANNEL"
    ]
    return found


async def test_sigterm_answers_the_requests_in_flight_and_exits_zero(tmp_path):
    database = tmp_path / "octopods.db"
    served = Served(f"sqlite:///{database}", OCTOPODS_DB_LOCK_TIMEOUT_SECONDS="20")
    token = served.prepare()
    served.start()
    subscription_id = await _omnichannel(served.url, token)
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the changes wait for the write lock
        changes = [
            asyncio.create_task(
                _post(
                    served.url,
                    token,
                    UPDATE_QUANTITY,
                    {"input": {"subscriptionId": subscription_id, "quantity": 10 + n}},
                )
            )
            for n in range(8)
        ]
        reads = [asyncio.create_task(_post(served.url, token, DASHBOARD_LIGHT)) for _ in range(8)]
        await asyncio.sleep(1.0)  # all sent and taken
        served.signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        with pytest.raises(httpx.ConnectError):  # no longer accepting
            await _post(served.url, token, DASHBOARD_LIGHT)
        holder.execute("ROLLBACK")
        answers = await asyncio.gather(*changes, *reads)
        status = await asyncio.to_thread(served.wait)
    finally:
        holder.close()
        served.stop()

    assert [r.status_code for r in answers] == [200] * 16
    assert all("errors" not in r.json() for r in answers)
    applied = [r.json()["data"]["updateQuantity"]["errors"] for r in answers[:8]]
    assert applied == [[]] * 8
    assert status == 0, served.process.stderr.read().decode()
    changes_made = sqlite3.connect(database).execute("SELECT count(*) FROM subscription_changes")
    assert changes_made.fetchone()[0] == 8


async def test_a_request_past_the_grace_period_is_told_to_retry_and_does_not_hold_the_exit(
    own_pg, own_db
):
    served = Served(
        own_pg.url,
        OCTOPODS_DB_LOCK_TIMEOUT_SECONDS="30",
        OCTOPODS_DB_STATEMENT_TIMEOUT_SECONDS="60",
        OCTOPODS_GRACEFUL_SHUTDOWN_SECONDS="1",
    )
    token = served.prepare()
    served.start()
    subscription_id = await _omnichannel(served.url, token)
    locker = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{own_pg.port}/postgres")
    try:
        async with locker.transaction():
            await locker.execute("SELECT * FROM subscriptions FOR UPDATE")
            stuck = asyncio.create_task(
                _post(
                    served.url,
                    token,
                    UPDATE_QUANTITY,
                    {"input": {"subscriptionId": subscription_id, "quantity": 9}},
                )
            )
            await asyncio.sleep(0.5)
            served.signal(signal.SIGTERM)
            signalled = time.perf_counter()
            status = await asyncio.to_thread(served.wait, 15)
            exited_after = time.perf_counter() - signalled
            cut_off = await stuck
    finally:
        await locker.close()
        served.stop()

    assert status == 0
    assert 1 <= exited_after < 3
    assert cut_off.status_code == 503 and cut_off.headers["retry-after"] == "1"
    assert cut_off.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert await count(own_db, "subscription_changes") == 0
