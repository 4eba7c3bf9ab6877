"""The audit trail of subscription changes, written in the change's own transaction."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from services.persistence.tables import ChangeAction, Subscription, SubscriptionChange


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, and the request it came in."""

    user_id: int
    request_id: str
    instance: str = ""  # the server instance that served the request


def record(
    session: AsyncSession,
    actor: Actor,
    subscription: Subscription,
    action: ChangeAction,
    now: datetime,
    old_quantity: int | None = None,
    proration_amount: Decimal | None = None,
    channel_name: str | None = None,
) -> None:
    session.add(
        SubscriptionChange(
            account_id=subscription.account_id,
            subscription_id=subscription.id,
            user_id=actor.user_id,
            action=action,
            old_quantity=old_quantity,
            new_quantity=subscription.quantity,
            proration_amount=proration_amount,
            channel_name=channel_name,
            occurred_at=now,
            request_id=actor.request_id,
            served_by=actor.instance,
        )
    )
