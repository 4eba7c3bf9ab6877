from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from resolvers import subscriptions
from schema.types.money import Money
from schema.types.pagination import connection_of
from services.persistence.tables import ChangeAction, SubscriptionChange
from services.queries import SUBSCRIPTION_CHANGES, Page

ChangeAction = strawberry.enum(ChangeAction)


@strawberry.type
class Person:
    email: str
    name: str


@strawberry.type(
    name="SubscriptionChange",
    description="One change in a subscription's history (the audit trail).",
)
class SubscriptionChangeEvent:
    action: ChangeAction
    old_quantity: int | None = strawberry.field(description="Null for SUBSCRIBED.")
    new_quantity: int
    proration_amount: Money | None = strawberry.field(
        description="The proration line's amount; 0 while trialing, null for SUBSCRIBED."
    )
    channel_name: str | None = strawberry.field(
        description="The channel connected or disconnected; null otherwise."
    )
    occurred_at: datetime
    request_id: str = strawberry.field(description="The request that made the change.")
    served_by: str = strawberry.field(description="The server instance that served it.")
    user_id: strawberry.Private[int]

    @strawberry.field(description="Who made the change.")
    async def changed_by(self, info: strawberry.Info) -> Person:
        user = await subscriptions.changed_by(info.context, self.user_id)
        return Person(email=user.email, name=user.name)

    @classmethod
    def of(cls, change: SubscriptionChange) -> "SubscriptionChangeEvent":
        amount: Decimal | None = change.proration_amount
        return cls(
            action=change.action,
            old_quantity=change.old_quantity,
            new_quantity=change.new_quantity,
            proration_amount=Money.of(amount) if amount is not None else None,
            channel_name=change.channel_name,
            occurred_at=change.occurred_at,
            request_id=change.request_id,
            served_by=change.served_by,
            user_id=change.user_id,
        )


@strawberry.type(description="A subscription's changes, newest first.")
class SubscriptionChangeConnection(relay.Connection[SubscriptionChangeEvent]):
    @classmethod
    def of(cls, page: Page, after: str | None) -> "SubscriptionChangeConnection":
        return connection_of(cls, SUBSCRIPTION_CHANGES, page, after, SubscriptionChangeEvent.of)
