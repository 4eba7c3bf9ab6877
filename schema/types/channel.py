from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from resolvers import channels
from services.persistence.records import ChannelRecord

if TYPE_CHECKING:
    from schema.types.subscription import SubscriptionType


@strawberry.type(
    name="Channel",
    description="A channel, number, account or workspace connected to one slot.",
)
class ChannelType(relay.Node):
    id: relay.NodeID[int]
    name: str
    connected_at: datetime
    record: strawberry.Private[ChannelRecord]

    @classmethod
    def of(cls, channel: ChannelRecord) -> "ChannelType":
        return cls(
            id=channel.id, name=channel.name, connected_at=channel.connected_at, record=channel
        )

    @strawberry.field
    async def subscription(
        self, info: strawberry.Info
    ) -> Annotated["SubscriptionType", strawberry.lazy("schema.types.subscription")]:
        from schema.types.subscription import SubscriptionType

        return SubscriptionType.of(await channels.subscription_of(info.context, self.record))
