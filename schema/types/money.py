from decimal import Decimal

import strawberry

from services.money import CURRENCY, format_usd


@strawberry.type(description="An amount of US dollars; negative for credits.")
class Money:
    amount: Decimal = strawberry.field(description='Two decimals, e.g. "41.60" or "-20.80".')
    currency: str
    formatted: str = strawberry.field(description='"$41.60", "-$20.80".')

    @classmethod
    def of(cls, amount: Decimal) -> "Money":
        return cls(amount=amount, currency=CURRENCY, formatted=format_usd(amount))
