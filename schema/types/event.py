from datetime import datetime

import strawberry

from resolvers import live
from schema.types.account import AccountType
from schema.types.channel import ChannelType
from schema.types.enums import AccountEventKind
from schema.types.invoice import InvoiceType
from schema.types.subscription import SubscriptionType
from services.events import AccountEvent


@strawberry.type(
    name="AccountEvent",
    description="Something happened to the account: read what it names afresh. RESYNC: "
    "events may have been missed, read everything afresh.",
)
class AccountEventType:
    kind: AccountEventKind
    at: datetime
    event: strawberry.Private[AccountEvent]

    @classmethod
    def of(cls, event: AccountEvent) -> "AccountEventType":
        return cls(kind=event.kind, at=event.at, event=event)

    @strawberry.field
    async def account(self, info: strawberry.Info) -> AccountType:
        return AccountType.of(await live.account_of(info.context, self.event))

    @strawberry.field(description="The subscription concerned, if any.")
    async def subscription(self, info: strawberry.Info) -> SubscriptionType | None:
        found = await live.subscription_of(info.context, self.event)
        return SubscriptionType.of(found) if found is not None else None

    @strawberry.field(description="INVOICE_ISSUED: the invoice.")
    async def invoice(self, info: strawberry.Info) -> InvoiceType | None:
        found = await live.invoice_of(info.context, self.event)
        return InvoiceType.issued(found) if found is not None else None

    @strawberry.field(description="CHANNEL_CONNECTED: the channel (null once disconnected).")
    async def channel(self, info: strawberry.Info) -> ChannelType | None:
        found = await live.channel_of(info.context, self.event)
        return ChannelType.of(found) if found is not None else None
