"""The audit trail of subscription changes, written in the change's own transaction."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection
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
    """Add the record to the session: it is written with the session's next flush."""
    values = _values(actor, subscription, action, now, old_quantity, proration_amount)
    session.add(SubscriptionChange(**values, channel_name=channel_name))


async def write(
    connection: AsyncConnection,
    actor: Actor,
    subscription,
    action: ChangeAction,
    now: datetime,
    old_quantity: int | None = None,
    proration_amount: Decimal | None = None,
) -> None:
    """Write the record at once, with the same INSERT a flush would send, for a change
    that writes its rows itself (services.changes)."""
    values = _values(actor, subscription, action, now, old_quantity, proration_amount)
    await connection.execute(_CHANGES.insert().values(**values, channel_name=None))


_CHANGES = SubscriptionChange.__table__


def _values(actor, subscription, action, now, old_quantity, proration_amount) -> dict:
    return {
        "account_id": subscription.account_id,
        "subscription_id": subscription.id,
        "user_id": actor.user_id,
        "action": action,
        "old_quantity": old_quantity,
        "new_quantity": subscription.quantity,
        "proration_amount": proration_amount,
        "occurred_at": now,
        "request_id": actor.request_id,
        "served_by": actor.instance,
    }
