"""Where a subscription stands in its billing cycle, and how it crosses a boundary."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from services.billing.periods import period_end


class SubscriptionStatus(StrEnum):
    TRIALING = "TRIALING"
    ACTIVE = "ACTIVE"


@dataclass(frozen=True, slots=True)
class BillingState:
    status: SubscriptionStatus
    quantity: int
    trial_ends_at: datetime
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    billing_anchor_day: int | None = None

    @property
    def next_boundary(self) -> datetime:
        """When the next invoice falls due: trial end, or the end of the current period."""
        if self.status is SubscriptionStatus.TRIALING:
            return self.trial_ends_at
        if self.current_period_end is None:
            raise ValueError("an active subscription has a current period")
        return self.current_period_end


def billing_state(subscription) -> BillingState:
    """Where a stored subscription (an entity or a record) stands in its cycle."""
    return BillingState(
        status=subscription.status,
        quantity=subscription.quantity,
        trial_ends_at=subscription.trial_ends_at,
        current_period_start=subscription.current_period_start,
        current_period_end=subscription.current_period_end,
        billing_anchor_day=subscription.billing_anchor_day,
    )


def is_due(subscription, now: datetime) -> bool:
    """Whether a stored subscription has an invoice (or a trial's end) due by `now`;
    `services.billing.run.falls_due` is the same rule as SQL."""
    return billing_state(subscription).next_boundary <= now


def cross_boundary(state: BillingState) -> BillingState:
    """The state just after `state.next_boundary`: a trial turns into the first period,
    a period into the next one. The trial's end date fixes the billing anchor."""
    start = state.next_boundary
    anchor_day = state.billing_anchor_day or start.day
    return replace(
        state,
        status=SubscriptionStatus.ACTIVE,
        current_period_start=start,
        current_period_end=period_end(start, anchor_day),
        billing_anchor_day=anchor_day,
    )
