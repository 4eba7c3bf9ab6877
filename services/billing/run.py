"""The billing run: issue every invoice that has fallen due, exactly once.

Boundaries are billed oldest first across all subscriptions, so an account's invoice
numbers follow its invoice dates even when a run catches up on missed periods. Each
invoice is issued in a transaction of its own, under its subscription's row lock,
after checking again that the boundary is still due. Overlapping runs (two servers,
cron, advanceTestClock) therefore find the work done and skip it, and the unique
(subscription, period start) constraint stands behind that. A run that dies leaves
whole invoices only, and the next run carries on from there.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from services.billing.cycle import (
    BillingState,
    SubscriptionStatus,
    billing_state,
    cross_boundary,
)
from services.billing.issuing import AfterIssue, bill_locked_subscription
from services.clock import TestClock
from services.persistence.database import Database
from services.persistence.locks import lock_subscription
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


def _boundaries(state: BillingState, now: datetime) -> list[datetime]:
    """Every boundary of `state` at or before `now`, oldest first."""
    found = []
    while state.next_boundary <= now:
        found.append(state.next_boundary)
        state = cross_boundary(state)
    return found


async def run_billing(
    db: Database, now: datetime, after_issue: AfterIssue | None = None
) -> list[Invoice]:
    """Bill everything due at `now`; returns the invoices this run issued."""
    async with db.session() as session:
        due = (await session.exec(select(Subscription).where(_due(now)))).all()
    schedule = sorted(
        (boundary, subscription.id)
        for subscription in due
        for boundary in _boundaries(billing_state(subscription), now)
    )
    issued: list[Invoice] = []
    for boundary, subscription_id in schedule:
        async with db.transaction() as session:
            subscription = await lock_subscription(session, subscription_id)
            if subscription is not None:  # bills nothing if another run got there first
                issued += await bill_locked_subscription(
                    session, subscription, boundary, after_issue
                )
    return issued


async def advance_test_clock(
    db: Database, clock: TestClock, to: datetime
) -> tuple[datetime, list[Invoice]]:
    """Move the test clock forward and bill everything that fell due on the way."""
    instant = clock.advance_to(to)
    return instant, await run_billing(db, instant)
