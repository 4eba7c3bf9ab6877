"""The billing run: issue every invoice that has fallen due, exactly once.

Each subscription is billed in a transaction of its own, under its row lock, after
checking again that it is still due. Overlapping runs (two servers, cron,
advanceTestClock) therefore find the work done and skip it, and the unique
(subscription, period start) constraint stands behind that. A run that dies leaves
every subscription either billed up to `now` or untouched.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from services.billing.cycle import SubscriptionStatus
from services.billing.issuing import AfterIssue, bill_locked_subscription
from services.clock import TestClock
from services.persistence.database import Database
from services.persistence.tables import Invoice, Subscription


def _due(now: datetime):
    return sa.or_(
        sa.and_(
            Subscription.status == SubscriptionStatus.TRIALING, Subscription.trial_ends_at <= now
        ),
        sa.and_(
            Subscription.status == SubscriptionStatus.ACTIVE, Subscription.current_period_end <= now
        ),
    )


async def lock_subscription(session, subscription_id: int) -> Subscription | None:
    """Read a subscription for changing it, holding its lock until the transaction ends."""
    statement = select(Subscription).where(Subscription.id == subscription_id).with_for_update()
    return (await session.exec(statement)).first()


async def run_billing(
    db: Database, now: datetime, after_issue: AfterIssue | None = None
) -> list[Invoice]:
    """Bill everything due at `now`; returns the invoices this run issued."""
    async with db.session() as session:
        due_ids = (
            await session.exec(select(Subscription.id).where(_due(now)).order_by(Subscription.id))
        ).all()
    issued: list[Invoice] = []
    for subscription_id in due_ids:
        async with db.transaction() as session:
            subscription = await lock_subscription(session, subscription_id)
            if subscription is not None:
                issued += await bill_locked_subscription(session, subscription, now, after_issue)
    return issued


async def advance_test_clock(
    db: Database, clock: TestClock, to: datetime
) -> tuple[datetime, list[Invoice]]:
    """Move the test clock forward and bill everything that fell due on the way."""
    instant = clock.advance_to(to)
    return instant, await run_billing(db, instant)
