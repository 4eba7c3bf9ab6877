"""What a quantity change costs, and the line it puts on the next invoice.

The one home of pricing a change: previews, changes and quotes all call
`price_change`, which is why a preview and its charge agree to the cent.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from services.billing.cycle import BillingState, SubscriptionStatus
from services.billing.invoices import InvoiceLineKind, LineDraft
from services.billing.periods import days_between
from services.catalog import Plan
from services.money import ZERO, to_cents


def prorate(difference: Decimal, remaining_days: int, days_in_period: int) -> Decimal:
    """difference × remaining / days, computed exactly, then rounded half-up to the cent."""
    return to_cents(Fraction(difference) * remaining_days / days_in_period)


@dataclass(frozen=True, slots=True)
class PricedChange:
    old_quantity: int
    new_quantity: int
    proration_amount: Decimal  # 0 while trialing: trials are free
    remaining_days: int | None  # None while trialing
    days_in_period: int | None
    line: LineDraft | None  # the proration line; None while trialing or unchanged


def price_change(plan: Plan, state: BillingState, new_quantity: int, at: datetime) -> PricedChange:
    """Price changing `state` to `new_quantity` at `at`.

    `state` is the subscription billed up to `at` (see `settle`). An instant before its
    period's start means another instance, whose clock runs ahead, has billed that
    period already: the change is then priced from the period's start, never in a
    period that is closed.
    """
    if state.status is SubscriptionStatus.TRIALING:
        return PricedChange(state.quantity, new_quantity, ZERO, None, None, None)
    start, end = state.current_period_start, state.current_period_end
    if start is None or end is None or not at < end:
        raise ValueError(f"{state} is not billed up to {at.isoformat()}")
    at = max(at, start)
    remaining_days = days_between(at, end)
    days_in_period = days_between(start, end)
    difference = plan.monthly_cost(new_quantity) - plan.monthly_cost(state.quantity)
    amount = prorate(difference, remaining_days, days_in_period)
    line = None
    if new_quantity != state.quantity:
        line = LineDraft(
            kind=InvoiceLineKind.PRORATION,
            description=(
                f"{plan.name}, {state.quantity} → {plan.units(new_quantity)}, "
                f"prorated for {remaining_days} of {days_in_period} days"
            ),
            quantity=new_quantity,
            amount=amount,
            period_start=start,
            period_end=end,
        )
    return PricedChange(state.quantity, new_quantity, amount, remaining_days, days_in_period, line)
