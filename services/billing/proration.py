"""What a quantity change costs for the rest of the period it happens in."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from services.billing.cycle import BillingState, SubscriptionStatus
from services.billing.periods import days_between
from services.catalog import Plan
from services.money import ZERO, to_cents


def prorate(difference: Decimal, remaining_days: int, days_in_period: int) -> Decimal:
    """difference × remaining / days, computed exactly, then rounded half-up to the cent."""
    return to_cents(Fraction(difference) * remaining_days / days_in_period)


@dataclass(frozen=True, slots=True)
class ProrationQuote:
    old_quantity: int
    new_quantity: int
    amount: Decimal
    remaining_days: int | None  # None while trialing: trials are free
    days_in_period: int | None


def quote_change(
    plan: Plan, state: BillingState, new_quantity: int, at: datetime
) -> ProrationQuote:
    """Price a change made at `at`; `state` must be the one whose period contains `at`."""
    if state.status is SubscriptionStatus.TRIALING:
        return ProrationQuote(state.quantity, new_quantity, ZERO, None, None)
    assert state.current_period_start is not None and state.current_period_end is not None
    assert state.current_period_start <= at < state.current_period_end
    remaining_days = days_between(at, state.current_period_end)
    days_in_period = days_between(state.current_period_start, state.current_period_end)
    difference = plan.monthly_cost(new_quantity) - plan.monthly_cost(state.quantity)
    return ProrationQuote(
        old_quantity=state.quantity,
        new_quantity=new_quantity,
        amount=prorate(difference, remaining_days, days_in_period),
        remaining_days=remaining_days,
        days_in_period=days_in_period,
    )
