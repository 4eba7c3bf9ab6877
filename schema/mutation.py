from datetime import datetime

import strawberry

from resolvers import clock, subscriptions
from schema.permissions import AUTHENTICATED
from schema.types.invoice import InvoiceLineType
from schema.types.mutations import (
    SubscribeProductInput,
    SubscribeProductPayload,
    TestClock,
    UpdateQuantityInput,
    UpdateQuantityPayload,
)
from schema.types.subscription import SubscriptionType
from schema.types.user_error import user_errors
from services.errors import DomainError


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Set the quantity now; while ACTIVE the difference is prorated onto "
        "the next invoice. Admins only.",
    )
    async def update_quantity(
        self, info: strawberry.Info, input: UpdateQuantityInput
    ) -> UpdateQuantityPayload:
        try:
            changed = await subscriptions.update_quantity(
                info.context,
                input.subscription_id,
                input.quantity,
                input.expected_quantity,
                input.idempotency_key,
            )
        except DomainError as error:
            return UpdateQuantityPayload(errors=user_errors(error))
        line = changed.proration_line
        return UpdateQuantityPayload(
            subscription=SubscriptionType.of(changed.subscription),
            proration_line=InvoiceLineType.of(line) if line is not None else None,
        )

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Subscribe to a product the account does not have, on a fresh "
        "7-day trial. Admins only.",
    )
    async def subscribe_product(
        self, info: strawberry.Info, input: SubscribeProductInput
    ) -> SubscribeProductPayload:
        try:
            subscription = await subscriptions.subscribe_product(
                info.context,
                input.account_id,
                input.plan_code,
                input.quantity,
                input.idempotency_key,
            )
        except DomainError as error:
            return SubscribeProductPayload(errors=user_errors(error))
        return SubscribeProductPayload(subscription=SubscriptionType.of(subscription))


@strawberry.type(name="Mutation")
class TestClockMutation(Mutation):
    """The mutations of a server started with OCTOPODS_TEST_CLOCK."""

    __test__ = False

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Move the test clock forward and run billing up to it.",
    )
    async def advance_test_clock(self, info: strawberry.Info, to: datetime) -> TestClock:
        instant, issued = await clock.advance_test_clock(info.context, to)
        return TestClock(now=instant, invoices_issued=len(issued))
