"""SPEC §1 and §3: money is exact USD, rounded half-up (away from zero) to the cent."""

from decimal import Decimal
from fractions import Fraction

import pytest

from services.money import format_usd, to_cents


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        pytest.param(Fraction(1, 200), "0.01", id="half-cent-rounds-up"),
        pytest.param(Fraction(-1, 200), "-0.01", id="minus-half-cent-rounds-away-from-zero"),
        pytest.param(Fraction(3, 200), "0.02", id="1.5-cents"),
        pytest.param(Fraction(5, 200), "0.03", id="2.5-cents-not-bankers-0.02"),
        pytest.param(Fraction(-5, 200), "-0.03", id="minus-2.5-cents-not-bankers-0.02"),
        pytest.param(Decimal("2.675"), "2.68", id="decimal-2.675-not-float-2.67"),
        pytest.param(Decimal("-2.675"), "-2.68", id="decimal-minus-2.675"),
        pytest.param(Decimal("41.60"), "41.60", id="already-cents"),
        pytest.param(Fraction(1248, 30), "41.60", id="spec-78x16/30"),
        pytest.param(Fraction(-624, 30), "-20.80", id="spec-minus-39x16/30"),
        pytest.param(Fraction(1, 3), "0.33", id="a-third-rounds-down"),
        pytest.param(Fraction(2, 3), "0.67", id="two-thirds-rounds-up"),
        pytest.param(Fraction(-2, 3), "-0.67", id="minus-two-thirds"),
        pytest.param(Fraction(4_999_999, 1_000_000_000), "0.00", id="just-under-half-cent"),
        pytest.param(Fraction(5_000_001, 1_000_000_000), "0.01", id="just-over-half-cent"),
        pytest.param(Fraction(-4_999_999, 1_000_000_000), "0.00", id="tiny-credit-is-zero"),
        pytest.param(Fraction(4999, 1000), "5.00", id="carries-into-dollars"),
        pytest.param(0, "0.00", id="zero"),
        pytest.param(5, "5.00", id="whole-dollars"),
        pytest.param(Fraction(123_456_789_005, 1000), "123456789.01", id="large-half-cent"),
    ],
)
def test_to_cents_rounds_exact_amounts_half_up_away_from_zero(amount, expected):
    rounded = to_cents(amount)

    assert isinstance(rounded, Decimal)
    # Compare the text too: two places, and never "-0.00".
    assert str(rounded) == expected
    assert rounded == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        pytest.param(Decimal("1234.50"), "$1,234.50", id="thousands-separator"),
        pytest.param(Decimal("1234.5"), "$1,234.50", id="always-two-places"),
        pytest.param(Decimal("-20.80"), "-$20.80", id="credit-sign-before-dollar"),
        pytest.param(Decimal("-1234.50"), "-$1,234.50", id="large-credit"),
        pytest.param(Decimal("0.00"), "$0.00", id="zero"),
        pytest.param(Decimal("0"), "$0.00", id="bare-zero"),
        pytest.param(Decimal("-0.00"), "$0.00", id="negative-zero-has-no-sign"),
        pytest.param(Decimal("0.05"), "$0.05", id="cents-only"),
        pytest.param(Decimal("-0.05"), "-$0.05", id="cents-only-credit"),
        pytest.param(Decimal("41.60"), "$41.60", id="spec-proration"),
        pytest.param(Decimal("999.99"), "$999.99", id="no-separator-below-1000"),
        pytest.param(Decimal("1000"), "$1,000.00", id="exactly-1000"),
        pytest.param(Decimal("1234567.89"), "$1,234,567.89", id="millions"),
    ],
)
def test_format_usd(amount, expected):
    assert format_usd(amount) == expected
