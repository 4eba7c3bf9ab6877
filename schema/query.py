from datetime import datetime

import strawberry
from strawberry import relay

from resolvers import accounts, clock, nodes, plans, subscriptions
from schema.permissions import AUTHENTICATED, PREVIEW
from schema.types.account import AccountType
from schema.types.channel import ChannelType
from schema.types.invoice import InvoiceType
from schema.types.plan import PlanType
from schema.types.preview import CostPreview
from schema.types.subscription import SubscriptionType
from schema.types.viewer import Membership, Viewer
from services.persistence.records import (
    AccountRecord,
    ChannelRecord,
    InvoiceRecord,
    SubscriptionRecord,
)


def present_node(found: object) -> relay.Node | None:
    match found:
        case AccountRecord():
            return AccountType.of(found)
        case SubscriptionRecord():
            return SubscriptionType.of(found)
        case InvoiceRecord():
            return InvoiceType.issued(found)
        case ChannelRecord():
            return ChannelType.of(found)
        case nodes.UpcomingInvoice():
            return InvoiceType.upcoming(found.subscription, found.draft)
    return None


@strawberry.type
class Query:
    @strawberry.field(description="The server's clock (the test clock when enabled).")
    def now(self, info: strawberry.Info) -> datetime:
        return clock.now(info.context)

    @strawberry.field(description="The catalog.")
    def plans(self) -> list[PlanType]:
        return [PlanType.of(plan) for plan in plans.all_plans()]

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def viewer(self, info: strawberry.Info) -> Viewer:
        found = await info.context.viewer()
        memberships = await accounts.memberships(info.context)
        return Viewer(
            email=found.email,
            name=found.name,
            memberships=[
                Membership(account=AccountType.of(account), role=role)
                for account, role in memberships
            ],
        )

    @strawberry.field(permission_classes=AUTHENTICATED, description="Null unless a member.")
    async def account(self, info: strawberry.Info, id: strawberry.ID) -> AccountType | None:
        found = await accounts.account(info.context, id)
        return AccountType.of(found) if found is not None else None

    @strawberry.field(permission_classes=AUTHENTICATED, description="Null unless a member.")
    async def subscription(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SubscriptionType | None:
        found = await subscriptions.subscription(info.context, id)
        return SubscriptionType.of(found) if found is not None else None

    @strawberry.field(
        permission_classes=PREVIEW,
        description="What changing the quantity would cost now. Writes nothing.",
    )
    async def preview_cost(
        self, info: strawberry.Info, subscription_id: strawberry.ID, quantity: int
    ) -> CostPreview:
        return CostPreview.of(
            await subscriptions.preview_cost(info.context, subscription_id, quantity)
        )

    @strawberry.field(permission_classes=AUTHENTICATED, description="Null unless a member.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> relay.Node | None:
        return present_node(await nodes.node(info.context, id))
