"""Use cases on subscriptions: what a change would cost, changing the quantity,
subscribing to a product. Reads are pure functions of loaded records; each change is
one transaction."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.billing.cycle import BillingState, SubscriptionStatus
from services.billing.invoices import (
    InvoiceDraft,
    Line,
    LineDraft,
    invoice_at_next_boundary,
    proration_line,
    settle,
)
from services.billing.issuing import bill_locked_subscription
from services.billing.periods import trial_ends_at
from services.billing.proration import quote_change
from services.billing.run import lock_subscription
from services.catalog import Plan, PlanCode, plan_for
from services.clock import Clock
from services.errors import DomainError, ErrorCode, not_found
from services.permissions import Viewer, require_admin
from services.persistence.database import Database
from services.persistence.tables import InvoiceLine, Subscription


def _change_line(
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
    settlement = settle(plan, subscription.billing_state, pending, now)
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
    settlement = settle(plan, subscription.billing_state, pending, now)
    state = settlement.state
    amount, line, remaining_days, days_in_period = _change_line(plan, state, quantity, now)
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


@dataclass(frozen=True, slots=True)
class QuantityChanged:
    subscription: Subscription
    proration_line: InvoiceLine | None
    old_quantity: int


async def update_quantity(
    db: Database,
    clock: Clock,
    viewer: Viewer,
    subscription_id: int | None,
    quantity: int,
    expected_quantity: int | None = None,
) -> QuantityChanged:
    """Apply a new quantity at once; while active, add the proration line for the rest of
    the period. Refusals raise DomainError and leave nothing written."""
    field = ("input", "subscriptionId")
    async with db.transaction() as session:
        subscription = None
        if subscription_id is not None:
            subscription = await lock_subscription(session, subscription_id)
        if subscription is None:
            raise not_found("Subscription", field)
        require_admin(viewer, subscription.account_id, "Subscription", field)
        plan = plan_for(subscription.plan_code)
        plan.check_quantity(quantity, ("input", "quantity"))
        old_quantity = subscription.quantity
        if expected_quantity is not None and expected_quantity != old_quantity:
            raise DomainError(
                ErrorCode.QUANTITY_CONFLICT,
                f"The subscription has {old_quantity}, not {expected_quantity}: someone "
                "changed it meanwhile. Reload and try again.",
                ("input", "expectedQuantity"),
            )
        if quantity == old_quantity:
            raise DomainError(
                ErrorCode.QUANTITY_UNCHANGED,
                f"The subscription already has {plan.units(quantity)}.",
                ("input", "quantity"),
            )
        # Taken under the lock, so the change is priced where it really happens.
        now = clock.now()
        await bill_locked_subscription(session, subscription, now)
        _, draft, _, _ = _change_line(plan, subscription.billing_state, quantity, now)
        line = None
        if draft is not None:
            line = InvoiceLine(
                subscription_id=subscription.id,
                kind=draft.kind,
                description=draft.description,
                quantity=draft.quantity,
                amount=draft.amount,
                period_start=draft.period_start,
                period_end=draft.period_end,
                created_at=now,
            )
            session.add(line)
        subscription.quantity = quantity
        session.add(subscription)
        await session.flush()
    return QuantityChanged(subscription, line, old_quantity)


async def subscribe_product(
    db: Database,
    clock: Clock,
    viewer: Viewer,
    account_id: int | None,
    plan_code: PlanCode,
    quantity: int,
) -> Subscription:
    """A new subscription to a product the account does not have, on a fresh trial."""
    if account_id is None:
        raise not_found("Account", ("input", "accountId"))
    require_admin(viewer, account_id, "Account", ("input", "accountId"))
    plan = plan_for(plan_code)
    plan.check_quantity(quantity, ("input", "quantity"))
    already = DomainError(
        ErrorCode.ALREADY_SUBSCRIBED,
        f"This account already subscribes to {plan.name}; change its quantity instead.",
        ("input", "planCode"),
    )
    try:
        async with db.transaction() as session:
            existing = select(Subscription.id).where(
                Subscription.account_id == account_id, Subscription.plan_code == plan.code
            )
            if (await session.exec(existing)).first() is not None:
                raise already
            now = clock.now()
            subscription = Subscription(
                account_id=account_id,
                plan_code=plan.code,
                quantity=quantity,
                status=SubscriptionStatus.TRIALING,
                subscribed_at=now,
                trial_ends_at=trial_ends_at(now, plan.trial_days),
            )
            session.add(subscription)
            await session.flush()
    except IntegrityError:
        # A concurrent subscribe won the unique (account, plan) constraint.
        raise already from None
    return subscription
