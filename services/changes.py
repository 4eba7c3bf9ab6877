"""Changes to subscriptions: the quantity, and subscribing to a product.

Each is one transaction that takes its lock first, is refused (DomainError, nothing
written) or carried out in full together with its audit record and idempotency key.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services import audit, idempotency
from services.billing.cycle import billing_state
from services.billing.issuing import bill_locked_subscription
from services.billing.run import lock_subscription
from services.catalog import PlanCode, plan_for
from services.clock import Clock
from services.errors import DomainError, ErrorCode, not_found
from services.permissions import Viewer, require_admin
from services.persistence.database import Database
from services.persistence.tables import ChangeAction, InvoiceLine, Subscription
from services.subscriptions import change_line


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """Who asks for a change, in which request, with which idempotency key."""

    db: Database
    clock: Clock
    viewer: Viewer
    request_id: str
    idempotency_key: str | None = None
    key_retention: timedelta = timedelta(hours=24)

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.viewer.user_id, self.request_id)

    def idempotent(self, operation: str, **inputs) -> idempotency.IdempotentRequest | None:
        return idempotency.IdempotentRequest.of(
            self.viewer.user_id, self.idempotency_key, operation, **inputs
        )


@dataclass(frozen=True, slots=True)
class QuantityChanged:
    subscription: Subscription
    proration_line: InvoiceLine | None
    old_quantity: int


async def _replay_quantity_change(session: AsyncSession, outcome: dict) -> QuantityChanged:
    line_id = outcome["proration_line_id"]
    return QuantityChanged(
        subscription=await session.get_one(Subscription, outcome["subscription_id"]),
        proration_line=await session.get_one(InvoiceLine, line_id) if line_id else None,
        old_quantity=outcome["old_quantity"],
    )


async def update_quantity(
    request: ChangeRequest,
    subscription_id: int | None,
    quantity: int,
    expected_quantity: int | None = None,
) -> QuantityChanged:
    """Apply a new quantity at once; while active, add the proration line for the rest of
    the period. Concurrent changes of one subscription queue on its lock, so each line is
    priced against the quantity it really replaced."""
    field = ("input", "subscriptionId")
    key = request.idempotent(
        "updateQuantity",
        subscription_id=subscription_id,
        quantity=quantity,
        expected_quantity=expected_quantity,
    )
    async with request.db.transaction() as session:
        if key is not None:
            stored = await idempotency.claim(
                session, key, request.clock.now(), request.key_retention
            )
            if stored is not None:
                return await _replay_quantity_change(session, stored)
        subscription = None
        if subscription_id is not None:
            subscription = await lock_subscription(session, subscription_id)
        if subscription is None:
            raise not_found("Subscription", field)
        require_admin(request.viewer, subscription.account_id, "Subscription", field)
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
        now = request.clock.now()
        await bill_locked_subscription(session, subscription, now)
        amount, draft, _, _ = change_line(plan, billing_state(subscription), quantity, now)
        line = None
        if draft is not None:
            line = InvoiceLine(subscription_id=subscription.id, created_at=now, **draft.fields())
            session.add(line)
        subscription.quantity = quantity
        session.add(subscription)
        audit.record(
            session,
            request.actor,
            subscription,
            ChangeAction.QUANTITY_CHANGED,
            now,
            old_quantity=old_quantity,
            proration_amount=amount,
        )
        await session.flush()
        if key is not None:
            await idempotency.remember(
                session,
                key,
                {
                    "subscription_id": subscription.id,
                    "proration_line_id": line.id if line else None,
                    "old_quantity": old_quantity,
                },
            )
    return QuantityChanged(subscription, line, old_quantity)


async def subscribe_product(
    request: ChangeRequest, account_id: int | None, plan_code: PlanCode, quantity: int
) -> Subscription:
    """A new subscription to a product the account does not have, on a fresh trial."""
    field = ("input", "accountId")
    if account_id is None:
        raise not_found("Account", field)
    require_admin(request.viewer, account_id, "Account", field)
    plan = plan_for(plan_code)
    plan.check_quantity(quantity, ("input", "quantity"))
    key = request.idempotent(
        "subscribeProduct", account_id=account_id, plan_code=plan.code, quantity=quantity
    )
    already = DomainError(
        ErrorCode.ALREADY_SUBSCRIBED,
        f"This account already subscribes to {plan.name}; change its quantity instead.",
        ("input", "planCode"),
    )
    try:
        async with request.db.transaction() as session:
            now = request.clock.now()
            if key is not None:
                stored = await idempotency.claim(session, key, now, request.key_retention)
                if stored is not None:
                    return await session.get_one(Subscription, stored["subscription_id"])
            existing = select(Subscription.id).where(
                Subscription.account_id == account_id, Subscription.plan_code == plan.code
            )
            if (await session.exec(existing)).first() is not None:
                raise already
            subscription = Subscription.new_trial(account_id, plan, quantity, now)
            session.add(subscription)
            await session.flush()
            audit.record(session, request.actor, subscription, ChangeAction.SUBSCRIBED, now)
            if key is not None:
                await idempotency.remember(session, key, {"subscription_id": subscription.id})
    except IntegrityError:
        # A concurrent subscribe won the unique (account, plan) constraint.
        raise already from None
    return subscription
