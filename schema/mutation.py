import dataclasses
from collections.abc import Awaitable, Coroutine
from datetime import datetime
from typing import Any, Protocol, TypeVar

import strawberry

from resolvers import channels, clock, subscriptions
from resolvers.context import ChangeMade, Context
from schema.errors import client_error
from schema.permissions import CHANGE
from schema.types.mutations import (
    ConnectChannelInput,
    ConnectChannelPayload,
    DisconnectChannelInput,
    DisconnectChannelPayload,
    SubscribeProductInput,
    SubscribeProductPayload,
    TestClock,
    UpdateQuantityInput,
    UpdateQuantityPayload,
)
from schema.types.user_error import UserError
from services.errors import InvalidInput, Refused

INPUT = ("input",)


class Payload(Protocol):
    @classmethod
    def of(cls, outcome: Any) -> "Payload": ...


P = TypeVar("P", bound=Payload)


def arguments(input: object) -> dict[str, Any]:
    """A mutation's input as keyword arguments for its resolver."""
    return {field.name: getattr(input, field.name) for field in dataclasses.fields(input)}


async def respond(context: Context, payload: type[P], outcome: Coroutine[Any, Any, Any]) -> P:
    """The payload of a change: what it did, or why it was refused. A malformed input is
    not a refusal but an error of the request. Where the request keeps its change
    (`Context.changes_made`), a change already made is presented, not made again."""
    kept = context.changes_made
    if kept:
        outcome.close()  # never started
        if kept[0].error is not None:
            raise kept[0].error
        return kept[0].answer
    try:
        answer = await _present(payload, outcome)
    except Exception as error:
        if kept is not None:
            kept.append(ChangeMade(error=error))
        raise
    if kept is not None:
        kept.append(ChangeMade(answer=answer))
    return answer


async def _present(payload: type[P], outcome: Awaitable[Any]) -> P:
    try:
        return payload.of(await outcome)
    except Refused as refusal:
        return payload(errors=[UserError.of(refusal, INPUT)])
    except InvalidInput as invalid:
        raise client_error(invalid, INPUT) from None


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=CHANGE,
        description="Set the quantity now; while ACTIVE the difference is prorated onto "
        "the next invoice. Admins only.",
    )
    async def update_quantity(
        self, info: strawberry.Info, input: UpdateQuantityInput
    ) -> UpdateQuantityPayload:
        return await respond(
            info.context,
            UpdateQuantityPayload,
            subscriptions.update_quantity(info.context, **arguments(input)),
        )

    @strawberry.mutation(
        permission_classes=CHANGE,
        description="Subscribe to a product the account does not have, on a fresh "
        "7-day trial. Admins only.",
    )
    async def subscribe_product(
        self, info: strawberry.Info, input: SubscribeProductInput
    ) -> SubscribeProductPayload:
        return await respond(
            info.context,
            SubscribeProductPayload,
            subscriptions.subscribe_product(info.context, **arguments(input)),
        )

    @strawberry.mutation(
        permission_classes=CHANGE,
        description="Connect a channel to a free slot of a subscription. Admins only.",
    )
    async def connect_channel(
        self, info: strawberry.Info, input: ConnectChannelInput
    ) -> ConnectChannelPayload:
        return await respond(
            info.context,
            ConnectChannelPayload,
            channels.connect_channel(info.context, **arguments(input)),
        )

    @strawberry.mutation(
        permission_classes=CHANGE,
        description="Disconnect a channel; its slot is free again. Admins only.",
    )
    async def disconnect_channel(
        self, info: strawberry.Info, input: DisconnectChannelInput
    ) -> DisconnectChannelPayload:
        return await respond(
            info.context,
            DisconnectChannelPayload,
            channels.disconnect_channel(info.context, **arguments(input)),
        )


@strawberry.type(name="Mutation")
class TestClockMutation(Mutation):
    """The mutations of a server started with OCTOPODS_TEST_CLOCK."""

    __test__ = False

    @strawberry.mutation(
        permission_classes=CHANGE,
        description="Move the test clock forward and run billing up to it.",
    )
    async def advance_test_clock(self, info: strawberry.Info, to: datetime) -> TestClock:
        instant, issued = await clock.advance_test_clock(info.context, to)
        return TestClock(now=instant, invoices_issued=len(issued))
