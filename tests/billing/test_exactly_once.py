"""Billing runs that overlap, or die half-way, still invoice every period exactly once."""

import asyncio
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from services.billing.run import run_billing
from services.catalog import PLANS
from services.persistence.database import Database
from services.persistence.tables import Invoice, InvoiceLine, Subscription
from tests.support.factories import account_with_admin, trialing_subscription

SUBSCRIBED = datetime(2026, 9, 3, 10, tzinfo=UTC)
NOW = datetime(2026, 12, 15, tzinfo=UTC)  # trial ended Sep 10: Sep, Oct, Nov and Dec due
PERIODS_DUE = 4


async def many_due_subscriptions(db, accounts: int) -> list[int]:
    ids = []
    for number in range(accounts):
        account = await account_with_admin(
            db, f"Shop {number}", f"owner{number}@shop.test", SUBSCRIBED
        )
        for plan in PLANS[:2]:
            ids.append((await trialing_subscription(db, account.id, plan.code, 2, SUBSCRIBED)).id)
    return ids


async def invoice_counts(db) -> dict[int, int]:
    async with db.session() as session:
        rows = await session.exec(
            select(Invoice.subscription_id, sa.func.count()).group_by(Invoice.subscription_id)
        )
        return dict(rows.all())


async def test_overlapping_runs_issue_each_invoice_once(db, database_url):
    subscription_ids = await many_due_subscriptions(db, accounts=6)
    # Each run on its own engine: separate connections, as separate servers would have.
    engines = [Database(database_url) for _ in range(4)]
    try:
        results = await asyncio.gather(*(run_billing(engine, NOW) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()

    issued = [invoice for result in results for invoice in result]
    assert len(issued) == len(subscription_ids) * PERIODS_DUE
    assert len({(i.subscription_id, i.period_start) for i in issued}) == len(issued)
    assert await invoice_counts(db) == dict.fromkeys(subscription_ids, PERIODS_DUE)


class Crash(Exception):
    pass


async def test_a_run_that_dies_half_way_leaves_whole_accounts_billed(db):
    subscription_ids = await many_due_subscriptions(db, accounts=2)
    written = []

    def die_on_the_tenth_invoice(invoice: Invoice) -> None:
        written.append(invoice.subscription_id)
        if len(written) == 10:
            raise Crash

    with pytest.raises(Crash):
        await run_billing(db, NOW, after_issue=die_on_the_tenth_invoice)

    # The first account's 8 invoices committed together; the second account's died with
    # its transaction on its second invoice, and left nothing behind.
    first, second, third, _ = subscription_ids
    assert await invoice_counts(db) == {first: PERIODS_DUE, second: PERIODS_DUE}
    async with db.session() as session:
        unbilled = await session.get_one(Subscription, third)
        assert unbilled.current_period_start is None
        assert (await session.exec(select(sa.func.count()).select_from(InvoiceLine))).one() == 8

    finished = await run_billing(db, NOW)

    assert len(finished) == 2 * PERIODS_DUE
    assert await invoice_counts(db) == dict.fromkeys(subscription_ids, PERIODS_DUE)
    assert await run_billing(db, NOW) == []
