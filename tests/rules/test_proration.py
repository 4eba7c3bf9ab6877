"""SPEC §3: a change while ACTIVE is prorated for the days left, the change day counting."""

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from services.billing.cycle import BillingState, SubscriptionStatus
from services.billing.proration import price_change, prorate
from services.catalog import PlanCode, plan_for
from tests.support.time import utc

OMNICHANNEL = plan_for(PlanCode.OMNICHANNEL)  # monthly: 1 → 49, 3 → 127, 4 → 166, 5 → 205
WHATSAPP = plan_for(PlanCode.WHATSAPP_BUSINESS)  # 29 per number
INSTAGRAM = plan_for(PlanCode.INSTAGRAM)  # 19 per account
SLACK = plan_for(PlanCode.SLACK)  # 19 per workspace


def active(quantity: int, start: datetime, end: datetime) -> BillingState:
    return BillingState(
        SubscriptionStatus.ACTIVE,
        quantity=quantity,
        trial_ends_at=start,
        current_period_start=start,
        current_period_end=end,
        billing_anchor_day=start.day,
    )


NOV_2026 = (utc(2026, 11, 1), utc(2026, 12, 1))  # 30 days, the SPEC's period
JAN_2027 = (utc(2027, 1, 1), utc(2027, 2, 1))  # 31 days
FEB_2027 = (utc(2027, 2, 1), utc(2027, 3, 1))  # 28 days
FEB_2028 = (utc(2028, 2, 1), utc(2028, 3, 1))  # 29 days
JAN31_FEB28_2027 = (utc(2027, 1, 31), utc(2027, 2, 28))  # anchor 31 in a short month: 28 days
FEB28_MAR31_2027 = (utc(2027, 2, 28), utc(2027, 3, 31))  # and back: 31 days


@pytest.mark.parametrize(
    ("plan", "old", "new", "period", "at", "amount", "remaining", "days"),
    [
        # (205 − 127) × 16 / 30
        pytest.param(OMNICHANNEL, 3, 5, NOV_2026, utc(2026, 11, 15, 12), "41.60", 16, 30,
                     id="spec-omnichannel-3-to-5"),
        # (166 − 205) × 16 / 30
        pytest.param(OMNICHANNEL, 5, 4, NOV_2026, utc(2026, 11, 15, 12), "-20.80", 16, 30,
                     id="spec-then-5-to-4-same-day"),
        pytest.param(OMNICHANNEL, 3, 5, NOV_2026, utc(2026, 11, 1), "78.00", 30, 30,
                     id="first-instant-of-period-is-whole-period"),
        pytest.param(OMNICHANNEL, 3, 5, NOV_2026, utc(2026, 11, 1, 18), "78.00", 30, 30,
                     id="later-on-first-day-is-still-whole-period"),
        # 78 / 30
        pytest.param(OMNICHANNEL, 3, 5, NOV_2026, utc(2026, 11, 30), "2.60", 1, 30,
                     id="last-day-counts-one-day"),
        pytest.param(OMNICHANNEL, 3, 5, NOV_2026, utc(2026, 11, 30, 23, 59, 59), "2.60", 1, 30,
                     id="last-second-counts-one-day"),
        # 29 × 14 / 28
        pytest.param(WHATSAPP, 1, 2, FEB_2027, utc(2027, 2, 15), "14.50", 14, 28,
                     id="28-day-february-mid"),
        # 29 / 28 = 1.0357…
        pytest.param(WHATSAPP, 1, 2, FEB_2027, utc(2027, 2, 28, 9), "1.04", 1, 28,
                     id="28-day-february-last-day"),
        # 57 × 20 / 29 = 39.3103…
        pytest.param(INSTAGRAM, 2, 5, FEB_2028, utc(2028, 2, 10), "39.31", 20, 29,
                     id="29-day-leap-february"),
        # 57 / 29 = 1.9655…
        pytest.param(INSTAGRAM, 2, 5, FEB_2028, utc(2028, 2, 29, 23), "1.97", 1, 29,
                     id="29-day-leap-day-is-last-day"),
        # 589 = 19 × 31, so 589 × 15 / 31 = 285 exactly
        pytest.param(SLACK, 1, 32, JAN_2027, utc(2027, 1, 17), "285.00", 15, 31,
                     id="31-day-january-exact"),
        # 57 × 12 / 31 = 22.0645…
        pytest.param(SLACK, 1, 4, JAN_2027, utc(2027, 1, 20), "22.06", 12, 31,
                     id="31-day-january-rounded-down"),
        # 39 / 28 = 1.3928…
        pytest.param(OMNICHANNEL, 1, 2, JAN31_FEB28_2027, utc(2027, 2, 27), "1.39", 1, 28,
                     id="anchor31-period-clamped-to-feb28"),
        # 39 × 31 / 31
        pytest.param(OMNICHANNEL, 1, 2, FEB28_MAR31_2027, utc(2027, 2, 28), "39.00", 31, 31,
                     id="anchor31-period-back-to-mar31"),
        # (49 − 205) / 30
        pytest.param(OMNICHANNEL, 5, 1, NOV_2026, utc(2026, 11, 30), "-5.20", 1, 30,
                     id="decrease-on-last-day"),
        # −39 × 7 / 31 = −8.8064…
        pytest.param(OMNICHANNEL, 4, 3, JAN_2027, utc(2027, 1, 25), "-8.81", 7, 31,
                     id="decrease-rounds-away-from-zero"),
        # 49 − 1960
        pytest.param(OMNICHANNEL, 50, 1, NOV_2026, utc(2026, 11, 1), "-1911.00", 30, 30,
                     id="largest-decrease-whole-period"),
        pytest.param(OMNICHANNEL, 1, 50, NOV_2026, utc(2026, 11, 1), "1911.00", 30, 30,
                     id="largest-increase-whole-period"),
    ],
)  # fmt: skip
def test_price_change_prorates_the_difference_over_the_days_left(
    plan, old, new, period, at, amount, remaining, days
):
    change = price_change(plan, active(old, *period), new, at)

    assert str(change.proration_amount) == amount
    assert (change.remaining_days, change.days_in_period) == (remaining, days)
    assert (change.old_quantity, change.new_quantity) == (old, new)


def test_a_change_while_trialing_is_free():
    trialing = BillingState(
        SubscriptionStatus.TRIALING, quantity=2, trial_ends_at=utc(2026, 11, 22)
    )

    change = price_change(WHATSAPP, trialing, 10, utc(2026, 11, 17, 8))

    assert change.proration_amount == Decimal("0.00")
    assert change.remaining_days is None
    assert change.days_in_period is None
    assert (change.old_quantity, change.new_quantity) == (2, 10)


def test_several_changes_in_one_period_are_each_priced_against_the_quantity_they_replaced():
    state = active(3, *NOV_2026)
    changes = [
        (utc(2026, 11, 15, 12), 5, "41.60"),  # (205 − 127) × 16 / 30
        (utc(2026, 11, 15, 13), 4, "-20.80"),  # (166 − 205) × 16 / 30
        (utc(2026, 11, 25), 7, "23.40"),  # (283 − 166) × 6 / 30
        (utc(2026, 11, 30, 22), 1, "-7.80"),  # (49 − 283) × 1 / 30
    ]

    replaced = []
    for at, quantity, expected in changes:
        change = price_change(OMNICHANNEL, state, quantity, at)
        assert str(change.proration_amount) == expected
        replaced.append((change.old_quantity, change.new_quantity))
        state = replace(state, quantity=quantity)

    assert replaced == [(3, 5), (5, 4), (4, 7), (7, 1)]


def test_setting_the_same_quantity_prices_nothing():
    change = price_change(OMNICHANNEL, active(3, *NOV_2026), 3, utc(2026, 11, 15))
    assert change.proration_amount == Decimal("0.00")
    assert change.line is None


def test_a_change_while_trialing_makes_no_line():
    trialing = BillingState(
        SubscriptionStatus.TRIALING, quantity=2, trial_ends_at=utc(2026, 11, 22)
    )
    assert price_change(WHATSAPP, trialing, 10, utc(2026, 11, 17, 8)).line is None


def test_an_instant_before_a_period_already_billed_is_priced_from_its_start():
    """Another instance whose clock runs ahead billed December already: a change this
    instance makes at 23:59:59 on Nov 30 is priced in December, from its first day."""
    december = active(3, utc(2026, 12, 1), utc(2027, 1, 1))

    change = price_change(OMNICHANNEL, december, 5, utc(2026, 11, 30, 23, 59, 59))

    assert (change.remaining_days, change.days_in_period) == (31, 31)
    assert str(change.proration_amount) == "78.00"  # the whole difference, not 32/31 of it
    assert change.line.period_start == utc(2026, 12, 1)


def test_an_instant_after_the_period_is_refused_rather_than_priced():
    with pytest.raises(ValueError, match="not billed up to"):
        price_change(OMNICHANNEL, active(3, *NOV_2026), 5, utc(2026, 12, 1))


# Whole-dollar prices over 28–31 days never land on half a cent, so these differences
# are constructed for it: difference × remaining / days = x.xx5 exactly.
@pytest.mark.parametrize(
    ("difference", "remaining", "days", "expected"),
    [
        pytest.param("0.01", 1, 2, "0.01", id="0.005-up"),
        pytest.param("-0.01", 1, 2, "-0.01", id="minus-0.005-away-from-zero"),
        pytest.param("0.15", 1, 30, "0.01", id="0.15/30=0.005"),
        pytest.param("-0.15", 1, 30, "-0.01", id="-0.15/30=-0.005"),
        pytest.param("0.75", 1, 30, "0.03", id="0.025-up-not-bankers"),
        pytest.param("-0.75", 1, 30, "-0.03", id="-0.025-away-not-bankers"),
        pytest.param("1.05", 15, 30, "0.53", id="0.525-up-not-bankers"),
        pytest.param("-1.05", 15, 30, "-0.53", id="-0.525-away-not-bankers"),
        pytest.param("78.15", 1, 30, "2.61", id="2.605-up-not-bankers"),
        pytest.param("-78.15", 1, 30, "-2.61", id="-2.605-away-not-bankers"),
        pytest.param("3.50", 1, 28, "0.13", id="3.50/28=0.125-up"),
        pytest.param("-3.50", 1, 28, "-0.13", id="-3.50/28=-0.125-away"),
        pytest.param("0.14", 1, 30, "0.00", id="just-under-half-cent-down"),
        pytest.param("0.16", 1, 30, "0.01", id="just-over-half-cent-up"),
        pytest.param("-0.14", 1, 30, "0.00", id="tiny-credit-is-zero"),
    ],
)
def test_prorate_rounds_exactly_half_a_cent_away_from_zero(difference, remaining, days, expected):
    assert str(prorate(Decimal(difference), remaining, days)) == expected


@pytest.mark.parametrize(
    ("difference", "remaining", "days", "expected"),
    [
        pytest.param("78.00", 30, 30, "78.00", id="whole-period-is-the-difference"),
        pytest.param("78.00", 0, 30, "0.00", id="no-days-left-is-nothing"),
        pytest.param("100.00", 1, 3, "33.33", id="thirds-not-float"),
        pytest.param("100.00", 2, 3, "66.67", id="two-thirds-not-float"),
        pytest.param("0.00", 17, 31, "0.00", id="no-difference"),
    ],
)
def test_prorate_is_exact_before_rounding(difference, remaining, days, expected):
    assert str(prorate(Decimal(difference), remaining, days)) == expected
