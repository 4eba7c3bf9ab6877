from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from resolvers import subscriptions
from schema.permissions import IsAccountAdmin
from schema.types.channel import ChannelType
from schema.types.enums import SubscriptionStatus
from schema.types.history import SubscriptionChangeConnection
from schema.types.invoice import InvoiceType
from schema.types.money import Money
from schema.types.plan import PlanType
from services.catalog import plan_for
from services.changes import Changed
from services.persistence.records import SubscriptionLike
from services.subscriptions import Pending

if TYPE_CHECKING:
    from schema.types.account import AccountType


@strawberry.type(name="Subscription")
class SubscriptionType(relay.Node):
    id: relay.NodeID[int]
    quantity: int = strawberry.field(
        description='Units covered, the "Registered Channels" of the page.'
    )
    status: SubscriptionStatus
    trial_ends_at: datetime | None = strawberry.field(
        description="Set while TRIALING, and kept afterwards."
    )
    current_period_start: datetime | None = strawberry.field(description="Null while TRIALING.")
    current_period_end: datetime | None = strawberry.field(description="Null while TRIALING.")
    monthly_cost: Money
    messaging_allowance: int
    connected_units: int = strawberry.field(description="Slots filled by connected channels.")
    plan: PlanType
    record: strawberry.Private[SubscriptionLike]
    # Told by a change, which answers with the lines as it left them; else loaded.
    pending: strawberry.Private[Pending | None] = None

    @classmethod
    def of_changed(cls, changed: Changed) -> "SubscriptionType":
        """The subscription as a change left it (also when its key is repeated)."""
        return cls.of(changed.subscription, changed.pending)

    @classmethod
    def of(
        cls, subscription: SubscriptionLike, pending: Pending | None = None
    ) -> "SubscriptionType":
        plan = plan_for(subscription.plan_code)
        return cls(
            id=subscription.id,
            quantity=subscription.quantity,
            status=subscription.status,
            trial_ends_at=subscription.trial_ends_at,
            current_period_start=subscription.current_period_start,
            current_period_end=subscription.current_period_end,
            monthly_cost=Money.of(plan.monthly_cost(subscription.quantity)),
            messaging_allowance=plan.messaging_allowance(subscription.quantity),
            connected_units=subscription.connected_units,
            plan=PlanType.of(plan),
            record=subscription,
            pending=pending,
        )

    @strawberry.field
    async def account(
        self, info: strawberry.Info
    ) -> Annotated["AccountType", strawberry.lazy("schema.types.account")]:
        from schema.types.account import AccountType

        return AccountType.of(await subscriptions.account_of(info.context, self.record))

    @strawberry.field(description="Its connected channels, oldest first.")
    async def channels(self, info: strawberry.Info) -> list[ChannelType]:
        return [
            ChannelType.of(found)
            for found in await subscriptions.channels(info.context, self.record)
        ]

    @strawberry.field(description="Whether the viewer may change it (admins only).")
    def viewer_can_update(self, info: strawberry.Info) -> bool:
        return subscriptions.viewer_can_update(info.context, self.record)

    @property
    def account_id(self) -> int:
        return self.record.account_id

    @strawberry.field(
        permission_classes=[IsAccountAdmin],
        description="Its changes, newest first: who, when, from and to what. Admins only.",
    )
    async def history(
        self, info: strawberry.Info, first: int | None = 20, after: str | None = None
    ) -> SubscriptionChangeConnection | None:
        page = await subscriptions.history(info.context, self.record, first, after)
        return SubscriptionChangeConnection.of(page, after)

    @strawberry.field(description="What the next boundary would issue if nothing else changed.")
    async def upcoming_invoice(self, info: strawberry.Info) -> InvoiceType:
        draft = await subscriptions.upcoming_invoice(info.context, self.record, self.pending)
        return InvoiceType.upcoming(self.record, draft)
