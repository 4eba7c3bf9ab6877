"""The server bills on its own on the real clock, and not while a test clock is set."""

import asyncio
from datetime import UTC, datetime, timedelta

from services.catalog import PlanCode
from services.clock import SystemClock
from tests.support.factories import account_with_admin, trialing_subscription
from tests.support.snapshot import count


async def due_subscription(db) -> None:
    subscribed = SystemClock().now() - timedelta(days=8)
    account = await account_with_admin(db, "Cron", "cron@upkeep.test", subscribed)
    await trialing_subscription(db, account.id, PlanCode.SLACK, 1, subscribed)


async def wait_for_invoices(db, expected: int, seconds: float) -> int:
    found = 0
    for _ in range(int(seconds / 0.05)):
        found = await count(db, "invoices")
        if found >= expected:
            break
        await asyncio.sleep(0.05)
    return found


async def test_the_server_issues_due_invoices_by_itself(apis, db):
    await due_subscription(db)

    await apis.start(clock=None, billing_interval_seconds=0.05)

    assert await wait_for_invoices(db, 1, seconds=5) == 1


async def test_no_background_billing_with_an_interval_of_zero(apis, db):
    await due_subscription(db)

    await apis.start(clock=None, billing_interval_seconds=0)

    assert await wait_for_invoices(db, 1, seconds=0.5) == 0


async def test_no_background_billing_while_a_test_clock_is_set(apis, db):
    await due_subscription(db)

    await apis.start(
        clock=datetime(2030, 1, 1, tzinfo=UTC).isoformat(), billing_interval_seconds=0.05
    )

    assert await wait_for_invoices(db, 1, seconds=0.5) == 0
