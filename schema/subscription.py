from collections.abc import AsyncGenerator, AsyncIterator

import strawberry

from resolvers import live
from schema.errors import client_error
from schema.permissions import AUTHENTICATED
from schema.types.event import AccountEventType
from services import metrics
from services.errors import DomainError
from services.events import AccountEvent


async def _presented(events: AsyncIterator[AccountEvent]) -> AsyncGenerator[AccountEventType]:
    async for event in events:
        metrics.event_sent(event.kind.value)
        yield AccountEventType.of(event)


@strawberry.type(name="SubscriptionRoot")
class SubscriptionRoot:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="The account's events, for its members, over graphql-transport-ws.",
    )
    async def account_events(
        self, info: strawberry.Info, account_id: strawberry.ID
    ) -> AsyncGenerator[AccountEventType]:
        try:
            events = await live.account_events(info.context, account_id)
        except DomainError as error:  # before the stream starts: an `error` message
            raise client_error(error) from None
        return _presented(events)
