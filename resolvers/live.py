"""Live updates: a member's stream of their account's events (SPEC §11)."""

from collections.abc import AsyncIterator

from resolvers import ids
from resolvers.context import Context
from services.errors import Subject, not_found
from services.events import AccountEvent
from services.persistence.notify import Stream
from services.persistence.records import (
    AccountRecord,
    ChannelRecord,
    InvoiceRecord,
    SubscriptionRecord,
)


async def account_events(context: Context, account_id: str) -> AsyncIterator[AccountEvent]:
    """The account's events from now on, for a member; NOT_FOUND for anyone else."""
    viewer = await context.viewer()
    key = ids.decode(account_id, "Account")
    if key is None or not viewer.can_read(key):
        raise not_found(Subject.ACCOUNT)
    return _while_member(context, context.db.events.open(key))


async def _while_member(context: Context, stream: Stream) -> AsyncIterator[AccountEvent]:
    """Each event read afresh, and only while the viewer is still a member."""
    try:
        while (event := await stream.next()) is not None:
            context.refresh()
            if not (await context.viewer()).can_read(stream.account_id):
                return
            yield event
    finally:
        stream.close()


async def account_of(context: Context, event: AccountEvent) -> AccountRecord | None:
    return await context.loaders.account.load(event.account_id)


async def subscription_of(context: Context, event: AccountEvent) -> SubscriptionRecord | None:
    key = event.subscription_id
    return await context.loaders.subscription.load(key) if key is not None else None


async def invoice_of(context: Context, event: AccountEvent) -> InvoiceRecord | None:
    key = event.invoice_id
    return await context.loaders.invoice.load(key) if key is not None else None


async def channel_of(context: Context, event: AccountEvent) -> ChannelRecord | None:
    """The channel, while it is connected."""
    key = event.channel_id
    return await context.loaders.channel.load(key) if key is not None else None
