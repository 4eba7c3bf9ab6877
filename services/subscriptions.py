"""What a subscription will cost: the upcoming invoice and the preview of a change.

Pure functions of loaded records. A preview prices the change with the same rule as
the change itself (services.billing.proration.price_change), at the same instant and
on the subscription billed up to it, so the preview and the charge agree to the cent.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services import quotes
from services.billing.cycle import billing_state
from services.billing.invoices import InvoiceDraft, Line, invoice_at_next_boundary, settle
from services.billing.proration import price_change
from services.catalog import plan_for
from services.errors import Subject, not_found
from services.money import ZERO
from services.permissions import Viewer
from services.persistence.records import SubscriptionLike

# Pending lines a read brings along; past this many it brings their total and count.
PENDING_LINES_KEPT = 100


@dataclass(frozen=True, slots=True)
class Pending:
    """The proration lines pending on a subscription's next invoice: all of them, or only
    the first ones (a script's thousands of changes), with the total and number of all
    where they were counted (None: more than the lines here)."""

    lines: tuple[Line, ...]
    total: Decimal | None
    count: int | None

    @classmethod
    def of(cls, lines: Sequence[Line]) -> "Pending":
        return cls(tuple(lines), sum((line.amount for line in lines), ZERO), len(lines))

    @classmethod
    def first_of(cls, lines: Sequence[Line]) -> "Pending":
        """From up to PENDING_LINES_KEPT + 1 lines read: all of them, or too many."""
        if len(lines) <= PENDING_LINES_KEPT:
            return cls.of(lines)
        return cls(tuple(lines[:PENDING_LINES_KEPT]), None, None)

    @property
    def complete(self) -> bool:
        return len(self.lines) == self.count


@dataclass(frozen=True, slots=True)
class UpcomingTotals:
    """The upcoming invoice without its lines."""

    issued_at: datetime
    period_start: datetime
    period_end: datetime
    total: Decimal


def upcoming_invoice(
    subscription: SubscriptionLike, pending: Sequence[Line], now: datetime
) -> InvoiceDraft:
    """The invoice the next boundary would issue if nothing else changed."""
    plan = plan_for(subscription.plan_code)
    settlement = settle(plan, billing_state(subscription), pending, now)
    return invoice_at_next_boundary(plan, settlement.state, settlement.pending)[1]


def upcoming_totals(
    subscription: SubscriptionLike, pending_total: Decimal, now: datetime
) -> UpcomingTotals:
    """`upcoming_invoice` from the total of the pending lines rather than the lines."""
    plan = plan_for(subscription.plan_code)
    settlement = settle(plan, billing_state(subscription), (), now)
    draft = invoice_at_next_boundary(plan, settlement.state, ())[1]
    # A boundary passed since: the pending lines go on an invoice due already.
    pending = ZERO if settlement.due else pending_total
    return UpcomingTotals(
        draft.issued_at, draft.period_start, draft.period_end, draft.total + pending
    )


@dataclass(frozen=True, slots=True)
class CostPreview:
    subscription: SubscriptionLike
    current_quantity: int
    new_quantity: int
    changed: bool
    current_monthly_cost: Decimal
    new_monthly_cost: Decimal
    proration_amount: Decimal
    remaining_days: int | None
    days_in_period: int | None
    next_invoice_total: Decimal
    messaging_allowance: int
    blocked_by_connected_units: bool  # below the channels connected: would be refused
    quote_id: str
    quote_expires_at: datetime


def preview_cost(
    viewer: Viewer,
    subscription: SubscriptionLike | None,
    pending_total: Decimal,
    quantity: int,
    now: datetime,
    quote_key: bytes,
) -> CostPreview:
    """Exactly what `update_quantity` would charge at `now`, without writing anything,
    and a quote that holds that charge for a while (services.quotes). `pending_total`:
    the sum of the proration lines pending on the next invoice."""
    if subscription is None or not viewer.can_read(subscription.account_id):
        raise not_found(Subject.SUBSCRIPTION)
    plan = plan_for(subscription.plan_code)
    plan.check_quantity(quantity)
    settlement = settle(plan, billing_state(subscription), (), now)
    # A boundary passed since: the pending lines go on an invoice due already.
    still_pending = ZERO if settlement.due else pending_total
    state = settlement.state
    change = price_change(plan, state, quantity, now)
    after = (change.line,) if change.line else ()
    next_invoice = invoice_at_next_boundary(plan, replace(state, quantity=quantity), after)[1]
    terms = quotes.QuoteTerms.of(
        viewer.user_id, subscription.id, change, plan.monthly_cost(quantity)
    )
    quote_id, quote_expires_at = quotes.issue(quote_key, terms, now)
    return CostPreview(
        subscription=subscription,
        current_quantity=state.quantity,
        new_quantity=quantity,
        changed=quantity != state.quantity,
        current_monthly_cost=plan.monthly_cost(state.quantity),
        new_monthly_cost=plan.monthly_cost(quantity),
        proration_amount=change.proration_amount,
        remaining_days=change.remaining_days,
        days_in_period=change.days_in_period,
        next_invoice_total=next_invoice.total + still_pending,
        messaging_allowance=plan.messaging_allowance(quantity),
        blocked_by_connected_units=quantity < subscription.connected_units,
        quote_id=quote_id,
        quote_expires_at=quote_expires_at,
    )
