from datetime import datetime

import strawberry

from schema.types.money import Money
from schema.types.subscription import SubscriptionType
from services.subscriptions import CostPreview as Preview


@strawberry.type(description="What changing the quantity would cost; nothing is written.")
class CostPreview:
    subscription: SubscriptionType
    current_quantity: int
    new_quantity: int
    changed: bool = strawberry.field(description="False: the Update button stays disabled.")
    current_monthly_cost: Money
    new_monthly_cost: Money = strawberry.field(
        description='Monthly cost at the new quantity ("New monthly cost").'
    )
    proration_amount: Money = strawberry.field(
        description="Charged (or credited) on the next invoice; 0 while TRIALING."
    )
    remaining_days: int | None = strawberry.field(description="Null while TRIALING.")
    days_in_period: int | None = strawberry.field(description="Null while TRIALING.")
    next_invoice_total: Money = strawberry.field(
        description="The upcoming invoice's total after this change."
    )
    messaging_allowance: int = strawberry.field(description="After this change.")
    blocked_by_connected_units: bool = strawberry.field(
        description="True: below connectedUnits, the change would be refused (UNITS_IN_USE)."
    )
    quote_id: strawberry.ID = strawberry.field(
        description="Send it with updateQuantity to be charged exactly this, or refused."
    )
    quote_expires_at: datetime = strawberry.field(
        description="The quote holds until this instant (excluded): 15 minutes."
    )

    @classmethod
    def of(cls, preview: Preview) -> "CostPreview":
        return cls(
            subscription=SubscriptionType.of(preview.subscription),
            current_quantity=preview.current_quantity,
            new_quantity=preview.new_quantity,
            changed=preview.changed,
            current_monthly_cost=Money.of(preview.current_monthly_cost),
            new_monthly_cost=Money.of(preview.new_monthly_cost),
            proration_amount=Money.of(preview.proration_amount),
            remaining_days=preview.remaining_days,
            days_in_period=preview.days_in_period,
            next_invoice_total=Money.of(preview.next_invoice_total),
            messaging_allowance=preview.messaging_allowance,
            blocked_by_connected_units=preview.blocked_by_connected_units,
            quote_id=strawberry.ID(preview.quote_id),
            quote_expires_at=preview.quote_expires_at,
        )
