"""Servers and billing runs killed with `kill -9` mid-work: no acknowledged change is
lost, none is applied twice when retried with its key, every invoice is issued exactly
once when billing runs again, and SQLite stays intact."""

import asyncio
import itertools
import sqlite3
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa

from services.catalog import PLANS
from tests.faults.served import Served
from tests.faults.test_shutdown import _omnichannel, _post
from tests.support.factories import account_with_admin, trialing_subscription
from tests.support.operations import UPDATE_QUANTITY
from tests.support.snapshot import count

pytestmark = pytest.mark.slow

KILLS = 5
BURST = 16


async def _burst(served: Served, token: str, subscription_id: str, round_: int) -> dict:
    """Send a burst of keyed changes, kill the server in the middle of it; the answers
    that came back, by key."""
    keys = {f"round{round_}-{n}": 1 + (7 * round_ + 3 * n) % 50 for n in range(BURST)}

    async def change(key: str, quantity: int):
        variables = {
            "input": {
                "subscriptionId": subscription_id,
                "quantity": quantity,
                "idempotencyKey": key,
            }
        }
        try:
            return key, (await _post(served.url, token, UPDATE_QUANTITY, variables)).json()
        except httpx.HTTPError:
            return key, None  # no answer: the client retries with the same key

    sent = [asyncio.create_task(change(key, quantity)) for key, quantity in keys.items()]
    pending = set(sent)
    for _ in range(1 + round_):  # kill once a few answers are in, the rest in flight
        _, pending = await asyncio.wait(pending, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    served.process.kill()
    served.process.wait()
    answered = dict(await asyncio.gather(*sent))
    return {key: (quantity, answered[key]) for key, quantity in keys.items()}


async def _kill_mid_bursts_then_retry(served: Served) -> tuple[dict, dict]:
    """Five bursts, each cut by `kill -9`; then every change retried with its key. The
    first answers (None where none came) and the retries' answers, by key."""
    token = served.prepare()
    sent: dict = {}
    try:
        for round_ in range(KILLS):
            served.start()
            if round_ == 0:
                subscription_id = await _omnichannel(served.url, token)
            sent.update(await _burst(served, token, subscription_id, round_))
        served.start()
        retried = {}
        for key, (quantity, _first) in sent.items():
            variables = {
                "input": {
                    "subscriptionId": subscription_id,
                    "quantity": quantity,
                    "idempotencyKey": key,
                }
            }
            retried[key] = (await _post(served.url, token, UPDATE_QUANTITY, variables)).json()
    finally:
        served.stop()
    return sent, retried


def _assert_each_change_once(sent: dict, retried: dict, chain: list[tuple]) -> None:
    answered = [key for key, (_, first) in sent.items() if first is not None]
    assert answered and len(answered) < len(sent)  # the kills did land mid-burst
    for key in answered:
        first = sent[key][1]["data"]["updateQuantity"]
        if first["errors"] == []:  # acknowledged: kept, and replayed as it was
            assert retried[key]["data"]["updateQuantity"] == first
    applied = [
        key for key, body in retried.items() if body["data"]["updateQuantity"]["errors"] == []
    ]
    assert len(chain) == len(applied)  # each applied once
    for (_, previous), (old, _) in itertools.pairwise(chain):
        assert old == previous  # no lost update


CHAIN = "SELECT old_quantity, new_quantity FROM subscription_changes ORDER BY id"


async def test_sqlite_survives_five_kills_mid_burst_and_retries_apply_once(tmp_path):
    database = tmp_path / "octopods.db"
    served = Served(f"sqlite:///{database}", OCTOPODS_RATE_LIMIT_BURST="0")

    sent, retried = await _kill_mid_bursts_then_retry(served)

    after = sqlite3.connect(database)
    assert after.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    _assert_each_change_once(sent, retried, after.execute(CHAIN).fetchall())


async def test_postgresql_servers_killed_mid_burst_lose_and_double_nothing(own_pg, own_db):
    served = Served(own_pg.url, OCTOPODS_RATE_LIMIT_BURST="0")

    sent, retried = await _kill_mid_bursts_then_retry(served)

    async with own_db.engine.connect() as connection:
        chain = [tuple(row) for row in (await connection.execute(sa.text(CHAIN))).all()]
    _assert_each_change_once(sent, retried, chain)


SUBSCRIBED = datetime(2025, 1, 1, 9, tzinfo=UTC)  # trials end Jan 8
NOW = "2026-01-15T00:00:00Z"  # the trial end and 12 month starts: 13 invoices each
ACCOUNTS = 4


async def _issued(own_db) -> int:
    return await count(own_db, "invoices")


async def test_a_billing_run_killed_twice_then_run_again_issues_each_invoice_once(own_pg, own_db):
    for number in range(ACCOUNTS):
        account = await account_with_admin(
            own_db, f"Shop {number}", f"o{number}@shop.test", SUBSCRIBED
        )
        for plan in PLANS:
            await trialing_subscription(own_db, account.id, plan.code, 2, SUBSCRIBED)
    expected = ACCOUNTS * len(PLANS) * 13
    billing = Served(own_pg.url, OCTOPODS_TEST_CLOCK=NOW)
    killed_at = []
    for target in (expected // 5, expected // 2):
        run = billing.run_in_background("bill")
        for _ in range(20_000):  # until `target` invoices are in, or the run ends
            if await _issued(own_db) >= target or run.poll() is not None:
                break
            await asyncio.sleep(0.005)
        run.kill()
        run.wait()
        killed_at.append(await _issued(own_db))
    billing.command("bill")

    assert 0 < killed_at[0] < killed_at[1] < expected  # both kills landed mid-run
    async with own_db.engine.connect() as connection:
        invoices = (
            await connection.execute(
                sa.text(
                    "SELECT account_id, number, issued_at, subscription_id, period_start "
                    "FROM invoices ORDER BY account_id, issued_at, id"
                )
            )
        ).all()
        orphans = (
            await connection.execute(
                sa.text(
                    "SELECT count(*) FROM invoices i WHERE NOT EXISTS "
                    "(SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)"
                )
            )
        ).scalar_one()
    assert len(invoices) == expected
    assert len({(row.subscription_id, row.period_start) for row in invoices}) == expected
    assert orphans == 0  # each invoice was written whole with its lines
    by_account: dict[int, list[str]] = {}
    for row in invoices:
        by_account.setdefault(row.account_id, []).append(row.number)
    for numbers in by_account.values():  # gapless and in date order, across the kills
        assert [int(number.rsplit("-", 1)[1]) for number in numbers] == list(
            range(1, len(numbers) + 1)
        )
