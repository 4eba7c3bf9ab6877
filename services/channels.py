"""Connected channels (SPEC §9): a subscription's quantity is its number of slots, and
a channel (a channel, number, account or workspace, by plan) fills one.

Connecting and disconnecting take the account's lock, as quantity changes do, so a
decrease racing a connect can never leave more channels than slots. Both are free,
audited, and idempotent like every change.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services import audit, events, idempotency
from services.catalog import plan_for
from services.changes import Changed, ChangeRequest
from services.errors import Reason, Refused, Subject, not_found
from services.events import EventKind
from services.idempotency import Operation
from services.permissions import require_admin
from services.persistence.records import ChannelRecord, from_json, snapshot, to_json
from services.persistence.tables import ChangeAction, Channel, Subscription

MAX_NAME_LENGTH = 100


def channel_name(name: str) -> str:
    """The name as stored: trimmed, 1 to 100 characters, no control characters."""
    trimmed = name.strip()
    if not 1 <= len(trimmed) <= MAX_NAME_LENGTH:
        raise Refused(
            Reason.INVALID_CHANNEL_NAME,
            f"A channel's name must be 1 to {MAX_NAME_LENGTH} characters; got {len(trimmed)}.",
            Subject.CHANNEL_NAME,
        )
    if any(unicodedata.category(character) == "Cc" for character in trimmed):
        raise Refused(
            Reason.INVALID_CHANNEL_NAME,
            "A channel's name cannot hold control characters (tabs, line breaks, NUL).",
            Subject.CHANNEL_NAME,
        )
    return trimmed


def name_key(name: str) -> str:
    """Names are unique within a subscription whatever their case."""
    return name.casefold()


@dataclass(frozen=True, slots=True)
class ChannelConnected:
    changed: Changed
    channel: ChannelRecord

    def to_json(self) -> dict:
        return {**self.changed.to_json(), "channel": to_json(self.channel)}

    @classmethod
    def from_json(cls, stored: dict) -> "ChannelConnected":
        return cls(Changed.from_json(stored), from_json(Channel, stored["channel"]))


async def attach(
    session: AsyncSession, subscription: Subscription, name: str, now: datetime
) -> Channel:
    """Connect a channel to a free slot of a locked subscription (the rules checked)."""
    channel = Channel(
        subscription_id=subscription.id, name=name, name_key=name_key(name), connected_at=now
    )
    session.add(channel)
    subscription.connected_units += 1
    session.add(subscription)
    await session.flush()
    return channel


async def connect_channel(
    request: ChangeRequest, subscription_id: int | None, name: str
) -> ChannelConnected:
    key = request.idempotent(Operation.CONNECT_CHANNEL, subscription_id=subscription_id, name=name)
    async with request.db.transaction() as session:
        now = request.clock.now()
        subscription = await request.subscription_to_change(session, subscription_id, now)
        stored = await request.repeated(session, key, now)
        if stored is not None:
            return ChannelConnected.from_json(stored)
        name = channel_name(name)
        taken = select(Channel.id).where(
            Channel.subscription_id == subscription.id, Channel.name_key == name_key(name)
        )
        if (await session.exec(taken)).first() is not None:
            raise Refused(
                Reason.INVALID_CHANNEL_NAME,
                f"A channel named {name!r} is already connected to this subscription.",
                Subject.CHANNEL_NAME,
            )
        plan = plan_for(subscription.plan_code)
        if subscription.connected_units >= subscription.quantity:
            raise Refused(
                Reason.NO_FREE_SLOT,
                f"All {plan.units(subscription.quantity)} are connected: raise the quantity "
                "to add a slot, or disconnect one first.",
                Subject.SUBSCRIPTION,
            )
        channel = await attach(session, subscription, name, now)
        events.announce(
            session, EventKind.CHANNEL_CONNECTED, subscription, now, channel_id=channel.id
        )
        audit.record(
            session,
            request.actor,
            subscription,
            ChangeAction.CHANNEL_CONNECTED,
            now,
            channel_name=name,
        )
        outcome = ChannelConnected(await Changed.of(session, subscription), snapshot(channel))
        if key is not None:
            await idempotency.remember(session, key, outcome.to_json())
    return outcome


async def disconnect_channel(request: ChangeRequest, channel_id: int | None) -> Changed:
    key = request.idempotent(Operation.DISCONNECT_CHANNEL, channel_id=channel_id)
    async with request.db.transaction() as session:
        now = request.clock.now()
        # The channel of a repeated key is gone: check who asks against the subscription
        # the first request left, then answer as it did.
        stored = await request.repeated(session, key, now)
        if stored is not None:
            changed = Changed.from_json(stored)
            require_admin(request.viewer, changed.subscription.account_id, Subject.CHANNEL)
            return changed
        found = None
        if channel_id is not None:
            found = (await session.exec(select(Channel).where(Channel.id == channel_id))).first()
        if found is None:
            raise not_found(Subject.CHANNEL)
        subscription = await request.subscription_to_change(
            session, found.subscription_id, now, Subject.CHANNEL
        )
        # Under the lock: gone already if a concurrent disconnect got there first.
        deleted = await session.exec(sa.delete(Channel).where(Channel.id == channel_id))
        if deleted.rowcount != 1:
            raise not_found(Subject.CHANNEL)
        subscription.connected_units -= 1
        session.add(subscription)
        events.announce(
            session, EventKind.CHANNEL_DISCONNECTED, subscription, now, channel_id=channel_id
        )
        audit.record(
            session,
            request.actor,
            subscription,
            ChangeAction.CHANNEL_DISCONNECTED,
            now,
            channel_name=found.name,
        )
        outcome = await Changed.of(session, subscription)
        if key is not None:
            await idempotency.remember(session, key, outcome.to_json())
    return outcome
