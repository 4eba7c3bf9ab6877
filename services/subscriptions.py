"""What a subscription will cost: the upcoming invoice and the preview of a change.

Pure functions of loaded records, shared with the changes themselves (services.changes)
so that a preview and the charge that follows agree to the cent."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.billing.cycle import BillingState, SubscriptionStatus, billing_state
from services.billing.invoices import (
    InvoiceDraft,
    Line,
    LineDraft,
    invoice_at_next_boundary,
    proration_line,
    settle,
)
from services.billing.proration import quote_change
from services.catalog import Plan, plan_for
from services.errors import not_found
from services.permissions import Viewer
from services.persistence.tables import Subscription


def change_line(
    plan: Plan, state: BillingState, quantity: int, at: datetime
) -> tuple[Decimal, LineDraft | None, int | None, int | None]:
    """The proration of changing `state` to `quantity` at `at`: amount, line (none while
    trialing or unchanged), remaining days and days in the period."""
    quote = quote_change(plan, state, quantity, at)
    line = None
    if state.status is SubscriptionStatus.ACTIVE and quantity != state.quantity:
        line = proration_line(plan, state, quote)
    return quote.amount, line, quote.remaining_days, quote.days_in_period


def upcoming_invoice(
    subscription: Subscription, pending: Sequence[Line], now: datetime
) -> InvoiceDraft:
    """The invoice the next boundary would issue if nothing else changed."""
    plan = plan_for(subscription.plan_code)
    settlement = settle(plan, billing_state(subscription), pending, now)
    return invoice_at_next_boundary(plan, settlement.state, settlement.pending)[1]


@dataclass(frozen=True, slots=True)
class CostPreview:
    subscription: Subscription
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


def preview_cost(
    viewer: Viewer,
    subscription: Subscription | None,
    pending: Sequence[Line],
    quantity: int,
    now: datetime,
) -> CostPreview:
    """Exactly what `update_quantity` would charge at `now`, without writing anything."""
    if subscription is None or not viewer.can_read(subscription.account_id):
        raise not_found("Subscription", ("subscriptionId",))
    plan = plan_for(subscription.plan_code)
    plan.check_quantity(quantity, ("quantity",))
    settlement = settle(plan, billing_state(subscription), pending, now)
    state = settlement.state
    amount, line, remaining_days, days_in_period = change_line(plan, state, quantity, now)
    after = (*settlement.pending, line) if line else settlement.pending
    next_invoice = invoice_at_next_boundary(plan, replace(state, quantity=quantity), after)[1]
    return CostPreview(
        subscription=subscription,
        current_quantity=state.quantity,
        new_quantity=quantity,
        changed=quantity != state.quantity,
        current_monthly_cost=plan.monthly_cost(state.quantity),
        new_monthly_cost=plan.monthly_cost(quantity),
        proration_amount=amount,
        remaining_days=remaining_days,
        days_in_period=days_in_period,
        next_invoice_total=next_invoice.total,
        messaging_allowance=plan.messaging_allowance(quantity),
    )
