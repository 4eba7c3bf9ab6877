"""The billing run: issue every invoice that has fallen due, exactly once.

Each account is billed in a transaction of its own, under the account's lock, after
checking again what is still due: overlapping runs (two servers, cron,
advanceTestClock, a change or a read that bills its account first) find the work done
and skip it, and the unique (subscription, period start) constraint stands behind
that. Within an account, boundaries are billed oldest first across its subscriptions,
so its invoice numbers follow its invoice dates even when a run catches up on missed
periods. A run that dies leaves whole accounts billed, and the next run carries on.
"""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from services import metrics
from services.billing.cycle import SubscriptionStatus
from services.billing.issuing import AfterIssue, bill_locked_account
from services.clock import TestClock
from services.persistence.database import Database
from services.persistence.locks import lock_account
from services.persistence.tables import Invoice, Subscription


def falls_due(now: datetime) -> sa.ColumnElement[bool]:
    """SQL: the subscription has a boundary at or before `now` not yet billed (the rule
    of `services.billing.cycle.is_due`, for queries)."""
    return sa.or_(
        sa.and_(
            Subscription.status == SubscriptionStatus.TRIALING, Subscription.trial_ends_at <= now
        ),
        sa.and_(
            Subscription.status == SubscriptionStatus.ACTIVE, Subscription.current_period_end <= now
        ),
    )


async def bill_accounts(
    db: Database, account_ids: Iterable[int], now: datetime, after_issue: AfterIssue | None = None
) -> list[Invoice]:
    """Bill what is due at `now` in these accounts; returns the invoices issued."""
    issued: list[Invoice] = []
    for account_id in sorted(set(account_ids)):
        async with db.transaction() as session:
            subscriptions = await lock_account(session, account_id)
            issued += await bill_locked_account(session, subscriptions, now, after_issue)
    return issued


async def run_billing(
    db: Database, now: datetime, after_issue: AfterIssue | None = None
) -> list[Invoice]:
    """Bill everything due at `now`; returns the invoices this run issued."""
    with metrics.billing_run() as run:
        async with db.session() as session:
            due = select(Subscription.account_id).where(falls_due(now)).distinct()
            account_ids = (await session.exec(due)).all()
        issued = await bill_accounts(db, account_ids, now, after_issue)
        run.issued = len(issued)
    return issued


async def advance_test_clock(
    db: Database, clock: TestClock, to: datetime
) -> tuple[datetime, list[Invoice]]:
    """Move the test clock forward and bill everything that fell due on the way."""
    instant = clock.advance_to(to)
    return instant, await run_billing(db, instant)
