from resolvers import ids
from resolvers.context import Context
from resolvers.loaders import existing
from resolvers.subscriptions import readable
from services import changes, channels
from services.persistence.records import ChannelRecord, SubscriptionRecord


async def channel(context: Context, key: int | None) -> ChannelRecord | None:
    """The channel with that key, if the viewer may see its subscription."""
    found = await context.loaders.channel.load(key) if key is not None else None
    if found is None or await readable(context, found.subscription_id) is None:
        return None
    return found


async def subscription_of(context: Context, of: ChannelRecord) -> SubscriptionRecord:
    return await existing(context.loaders.subscription, of.subscription_id)


async def connect_channel(
    context: Context, subscription_id: str, name: str, idempotency_key: str | None = None
) -> channels.ChannelConnected:
    return await channels.connect_channel(
        await context.change_request(idempotency_key),
        ids.decode(subscription_id, "Subscription"),
        name,
    )


async def disconnect_channel(
    context: Context, channel_id: str, idempotency_key: str | None = None
) -> changes.Changed:
    return await channels.disconnect_channel(
        await context.change_request(idempotency_key), ids.decode(channel_id, "Channel")
    )
