"""Persisting what the billing rules decide: issuing invoices for a locked subscription."""

from collections.abc import Callable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services import events
from services.billing.cycle import SubscriptionStatus, billing_state, is_due
from services.billing.invoices import InvoiceDraft, settle
from services.catalog import plan_for
from services.events import EventKind
from services.persistence.tables import Account, Invoice, InvoiceLine, Subscription

# Called inside the transaction after each invoice is written; tests use it to make a
# run die half-way.
AfterIssue = Callable[[Invoice], None]


def invoice_number(prefix: str, sequence: int) -> str:
    """ "ACME001-0007": the account's prefix (unique) and its own running count."""
    return f"{prefix}-{sequence:04d}"


async def pending_lines(session: AsyncSession, subscription_id: int) -> list[InvoiceLine]:
    statement = (
        select(InvoiceLine)
        .where(InvoiceLine.subscription_id == subscription_id, InvoiceLine.invoice_id.is_(None))
        .order_by(InvoiceLine.id)
    )
    return list((await session.exec(statement)).all())


async def _next_number(session: AsyncSession, account_id: int) -> str:
    # The UPDATE locks the account row, so numbers within an account never collide.
    statement = (
        sa.update(Account)
        .where(Account.id == account_id)
        .values(last_invoice_sequence=Account.last_invoice_sequence + 1)
        .returning(Account.invoice_prefix, Account.last_invoice_sequence)
    )
    prefix, sequence = (await session.exec(statement)).one()
    return invoice_number(prefix, sequence)


async def _issue(
    session: AsyncSession, subscription: Subscription, draft: InvoiceDraft, now: datetime
) -> Invoice:
    invoice = Invoice(
        account_id=subscription.account_id,
        subscription_id=subscription.id,
        number=await _next_number(session, subscription.account_id),
        issued_at=draft.issued_at,
        period_start=draft.period_start,
        period_end=draft.period_end,
        total=draft.total,
    )
    session.add(invoice)
    await session.flush()
    for line in draft.lines:
        if isinstance(line, InvoiceLine):  # a pending proration line, now billed
            line.invoice_id = invoice.id
        else:
            session.add(
                InvoiceLine(
                    subscription_id=subscription.id,
                    invoice_id=invoice.id,
                    created_at=now,
                    **line.fields(),
                )
            )
    await session.flush()
    return invoice


async def bill_locked_account(
    session: AsyncSession,
    subscriptions: Sequence[Subscription],
    now: datetime,
    after_issue: AfterIssue | None = None,
) -> list[Invoice]:
    """Issue every invoice of the account's `subscriptions` that has fallen due by `now`,
    oldest first across them, so its invoice numbers follow invoice dates.

    The caller holds the account's lock (services.persistence.locks); everything
    happens in its transaction.
    """
    due = [s for s in subscriptions if is_due(s, now)]
    drafts = []
    for subscription in due:
        pending = await pending_lines(session, subscription.id)
        state = billing_state(subscription)
        settlement = settle(plan_for(subscription.plan_code), state, pending, now)
        for number, draft in enumerate(settlement.due):
            converts = number == 0 and state.status is SubscriptionStatus.TRIALING
            drafts.append((draft.issued_at, subscription.id, subscription, draft, converts))
        subscription.enter(settlement.state)
        session.add(subscription)
    issued = []
    for _, _, subscription, draft, converts in sorted(drafts, key=lambda drafted: drafted[:2]):
        invoice = await _issue(session, subscription, draft, now)
        issued.append(invoice)
        if converts:
            events.announce(session, EventKind.TRIAL_CONVERTED, subscription, now)
        events.announce(session, EventKind.INVOICE_ISSUED, subscription, now, invoice_id=invoice.id)
        if after_issue is not None:
            after_issue(invoice)
    await session.flush()
    return issued
