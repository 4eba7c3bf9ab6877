import strawberry
from strawberry import relay

from resolvers import accounts
from schema.types.enums import Role
from schema.types.invoice import InvoiceConnection
from schema.types.plan import PlanType
from schema.types.subscription import SubscriptionType
from services.persistence.records import AccountRecord


@strawberry.type(name="Account", description="A workspace: its subscriptions and invoices.")
class AccountType(relay.Node):
    id: relay.NodeID[int]
    name: str
    record: strawberry.Private[AccountRecord]

    @classmethod
    def of(cls, account: AccountRecord) -> "AccountType":
        return cls(id=account.id, name=account.name, record=account)

    @strawberry.field
    def viewer_role(self, info: strawberry.Info) -> Role:
        return accounts.viewer_role(info.context, self.record)

    @strawberry.field(description='Oldest first ("Active Subscriptions").')
    async def subscriptions(self, info: strawberry.Info) -> list[SubscriptionType]:
        found = await accounts.subscriptions(info.context, self.record)
        return [SubscriptionType.of(subscription) for subscription in found]

    @strawberry.field(description='Plans not subscribed yet ("Expand Your Integration").')
    async def available_plans(self, info: strawberry.Info) -> list[PlanType]:
        return [
            PlanType.of(plan) for plan in await accounts.available_plans(info.context, self.record)
        ]

    @strawberry.field(description="Included messages per month over all its subscriptions.")
    async def messaging_allowance(self, info: strawberry.Info) -> int:
        return await accounts.messaging_allowance(info.context, self.record)

    @strawberry.field(description="Issued invoices, newest first (at most 100 a page).")
    async def invoices(
        self, info: strawberry.Info, first: int | None = 20, after: str | None = None
    ) -> InvoiceConnection:
        page = await accounts.invoices(info.context, self.record, first, after)
        return InvoiceConnection.of(page, after)
