from datetime import datetime

import strawberry

from schema.types.channel import ChannelType
from schema.types.enums import PlanCode
from schema.types.invoice import InvoiceLineType
from schema.types.subscription import SubscriptionType
from schema.types.user_error import UserError
from services.changes import Changed, QuantityChanged
from services.channels import ChannelConnected


@strawberry.input
class UpdateQuantityInput:
    subscription_id: strawberry.ID
    quantity: int
    expected_quantity: int | None = strawberry.field(
        default=None, description="The quantity the UI showed; a stale one is refused."
    )
    quote_id: strawberry.ID | None = strawberry.field(
        default=None, description="A preview's quote: charge exactly that, or refuse."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="1–255 characters; a retry with the same key has one effect."
    )


@strawberry.type
class UpdateQuantityPayload:
    subscription: SubscriptionType | None = None
    proration_line: InvoiceLineType | None = strawberry.field(
        default=None, description="Null while TRIALING or on error."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, outcome: QuantityChanged) -> "UpdateQuantityPayload":
        line = outcome.proration_line
        return cls(
            subscription=SubscriptionType.of_changed(outcome.changed),
            proration_line=InvoiceLineType.of(line) if line is not None else None,
        )


@strawberry.input
class SubscribeProductInput:
    account_id: strawberry.ID
    plan_code: PlanCode
    quantity: int = 1
    idempotency_key: str | None = strawberry.field(
        default=None, description="1–255 characters; a retry with the same key has one effect."
    )


@strawberry.type
class SubscribeProductPayload:
    subscription: SubscriptionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, outcome: Changed) -> "SubscribeProductPayload":
        return cls(subscription=SubscriptionType.of_changed(outcome))


@strawberry.input
class ConnectChannelInput:
    subscription_id: strawberry.ID
    name: str = strawberry.field(description="1–100 characters, unique in the subscription.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="1–255 characters; a retry with the same key has one effect."
    )


@strawberry.type
class ConnectChannelPayload:
    channel: ChannelType | None = None
    subscription: SubscriptionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, outcome: ChannelConnected) -> "ConnectChannelPayload":
        return cls(
            channel=ChannelType.of(outcome.channel),
            subscription=SubscriptionType.of_changed(outcome.changed),
        )


@strawberry.input
class DisconnectChannelInput:
    channel_id: strawberry.ID
    idempotency_key: str | None = strawberry.field(
        default=None, description="1–255 characters; a retry with the same key has one effect."
    )


@strawberry.type
class DisconnectChannelPayload:
    subscription: SubscriptionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, outcome: Changed) -> "DisconnectChannelPayload":
        return cls(subscription=SubscriptionType.of_changed(outcome))


@strawberry.type
class TestClock:
    now: datetime
    invoices_issued: int = strawberry.field(
        description="By the billing run this advance triggered."
    )
