"""Money is USD held as `Decimal` with two places; rounding is half-up, away from zero."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CURRENCY = "USD"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Fraction | Decimal | int) -> Decimal:
    """Round an exact amount to the cent, half-up (away from zero on .5)."""
    exact = Fraction(amount) * 100
    sign = -1 if exact < 0 else 1
    whole, remainder = divmod(abs(exact.numerator), exact.denominator)
    if 2 * remainder >= exact.denominator:
        whole += 1
    return (Decimal(sign * whole) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def format_usd(amount: Decimal) -> str:
    """ "$1,234.50", "-$20.80"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"
