"""SPEC §2: trials end at midnight UTC a week later; periods keep their anchor day."""

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from services.billing.cycle import BillingState, SubscriptionStatus, cross_boundary
from services.billing.periods import days_between, midnight, period_end, trial_ends_at
from tests.support.time import utc

# --- trial end -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subscribed_at", "expected"),
    [
        pytest.param(utc(2026, 11, 15), utc(2026, 11, 22), id="spec-at-midnight"),
        pytest.param(utc(2026, 11, 15, 0, 0, 1), utc(2026, 11, 22), id="spec-one-second-in"),
        pytest.param(utc(2026, 11, 15, 12), utc(2026, 11, 22), id="spec-at-noon"),
        pytest.param(
            utc(2026, 11, 15, 23, 59, 59, 999_999), utc(2026, 11, 22), id="spec-last-microsecond"
        ),
        pytest.param(utc(2026, 11, 28, 9, 30), utc(2026, 12, 5), id="across-month-end"),
        pytest.param(utc(2026, 11, 30, 23), utc(2026, 12, 7), id="from-last-day-of-month"),
        pytest.param(utc(2026, 12, 27, 18), utc(2027, 1, 3), id="across-year-end"),
        pytest.param(utc(2026, 12, 31, 23, 59), utc(2027, 1, 7), id="from-new-years-eve"),
        pytest.param(utc(2027, 2, 25, 8), utc(2027, 3, 4), id="across-february-28"),
        pytest.param(utc(2028, 2, 25, 8), utc(2028, 3, 3), id="across-leap-february-29"),
        pytest.param(utc(2028, 2, 22), utc(2028, 2, 29), id="ends-on-leap-day"),
    ],
)
def test_trial_ends_at_midnight_utc_seven_days_after_the_subscription_date(subscribed_at, expected):
    ends = trial_ends_at(subscribed_at, 7)

    assert ends == expected
    assert ends.tzinfo is not None and ends.utcoffset().total_seconds() == 0
    assert (ends.hour, ends.minute, ends.second, ends.microsecond) == (0, 0, 0, 0)


def test_midnight_is_the_start_of_the_day_in_utc():
    assert midnight(date(2027, 2, 28)) == datetime(2027, 2, 28, 0, 0, tzinfo=UTC)
    assert midnight(date(2027, 2, 28)).tzinfo is not None


# --- period end ------------------------------------------------------------------------

# Written out by hand rather than taken from `calendar`, which the code under test uses.
DAYS_IN_MONTH = {
    2027: (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
    2028: (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
    2029: (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
}


def _anchored(year: int, month: int, anchor: int) -> datetime:
    return utc(year, month, min(anchor, DAYS_IN_MONTH[year][month - 1]))


def _periods_of_2027_and_2028():
    for anchor in (1, 15, 28, 29, 30, 31):
        for year in (2027, 2028):
            for month in range(1, 13):
                next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
                start = _anchored(year, month, anchor)
                end = _anchored(next_year, next_month, anchor)
                yield pytest.param(start, anchor, end, id=f"anchor{anchor}-{start:%Y-%m-%d}")


@pytest.mark.parametrize(("start", "anchor", "expected_end"), list(_periods_of_2027_and_2028()))
def test_period_ends_on_the_anchor_day_of_next_month_clamped_to_its_last_day(
    start, anchor, expected_end
):
    assert period_end(start, anchor) == expected_end


@pytest.mark.parametrize(
    ("start", "anchor", "expected_end"),
    [
        pytest.param(utc(2027, 1, 31), 31, utc(2027, 2, 28), id="jan31-to-feb28"),
        pytest.param(utc(2027, 2, 28), 31, utc(2027, 3, 31), id="feb28-back-to-mar31"),
        pytest.param(utc(2027, 3, 31), 31, utc(2027, 4, 30), id="mar31-to-apr30"),
        pytest.param(utc(2027, 4, 30), 31, utc(2027, 5, 31), id="apr30-back-to-may31"),
        pytest.param(utc(2028, 1, 31), 31, utc(2028, 2, 29), id="leap-jan31-to-feb29"),
        pytest.param(utc(2028, 2, 29), 31, utc(2028, 3, 31), id="leap-feb29-back-to-mar31"),
        pytest.param(utc(2027, 2, 28), 30, utc(2027, 3, 30), id="anchor30-feb28-to-mar30"),
        pytest.param(utc(2027, 2, 28), 29, utc(2027, 3, 29), id="anchor29-feb28-to-mar29"),
        pytest.param(utc(2028, 2, 29), 30, utc(2028, 3, 30), id="anchor30-feb29-to-mar30"),
        pytest.param(utc(2027, 2, 28), 28, utc(2027, 3, 28), id="anchor28-stays-28"),
        pytest.param(utc(2027, 12, 31), 31, utc(2028, 1, 31), id="dec31-wraps-to-jan31"),
        pytest.param(utc(2027, 12, 1), 1, utc(2028, 1, 1), id="dec1-wraps-to-jan1"),
        pytest.param(utc(2027, 12, 15), 15, utc(2028, 1, 15), id="dec15-wraps-to-jan15"),
        pytest.param(utc(2026, 11, 1), 1, utc(2026, 12, 1), id="spec-nov1-to-dec1"),
    ],
)
def test_the_anchor_day_is_never_lost_after_a_short_month(start, anchor, expected_end):
    assert period_end(start, anchor) == expected_end


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(utc(2026, 11, 1), utc(2026, 12, 1), 30, id="november"),
        pytest.param(utc(2027, 1, 1), utc(2027, 2, 1), 31, id="january"),
        pytest.param(utc(2027, 2, 1), utc(2027, 3, 1), 28, id="february"),
        pytest.param(utc(2028, 2, 1), utc(2028, 3, 1), 29, id="leap-february"),
        pytest.param(utc(2027, 12, 31), utc(2028, 1, 31), 31, id="across-year-end"),
        pytest.param(utc(2026, 11, 15, 12), utc(2026, 12, 1), 16, id="spec-change-day-counts"),
        pytest.param(utc(2026, 11, 30, 23, 59), utc(2026, 12, 1), 1, id="last-minute-counts-a-day"),
        pytest.param(utc(2026, 11, 15, 23), utc(2026, 11, 15, 1), 0, id="same-date-any-hour"),
    ],
)
def test_days_between_counts_calendar_dates_not_hours(start, end, expected):
    assert days_between(start, end) == expected


# --- a year of periods from cross_boundary ----------------------------------------------


@pytest.mark.parametrize(
    ("trial_end", "boundaries"),
    [
        pytest.param(
            utc(2027, 1, 31),
            [
                (2027, 1, 31), (2027, 2, 28), (2027, 3, 31), (2027, 4, 30), (2027, 5, 31),
                (2027, 6, 30), (2027, 7, 31), (2027, 8, 31), (2027, 9, 30), (2027, 10, 31),
                (2027, 11, 30), (2027, 12, 31), (2028, 1, 31),
            ],
            id="from-2027-01-31",
        ),
        pytest.param(
            utc(2027, 10, 31),
            [
                (2027, 10, 31), (2027, 11, 30), (2027, 12, 31), (2028, 1, 31), (2028, 2, 29),
                (2028, 3, 31), (2028, 4, 30), (2028, 5, 31), (2028, 6, 30), (2028, 7, 31),
                (2028, 8, 31), (2028, 9, 30), (2028, 10, 31),
            ],
            id="from-2027-10-31-through-leap-february",
        ),
        pytest.param(
            utc(2027, 8, 30),
            [
                (2027, 8, 30), (2027, 9, 30), (2027, 10, 30), (2027, 11, 30), (2027, 12, 30),
                (2028, 1, 30), (2028, 2, 29), (2028, 3, 30), (2028, 4, 30), (2028, 5, 30),
                (2028, 6, 30), (2028, 7, 30), (2028, 8, 30),
            ],
            id="from-2027-08-30",
        ),
    ],
)  # fmt: skip
def test_a_year_of_periods_chained_from_the_trial_end_has_no_gap_or_overlap(trial_end, boundaries):
    expected = [utc(*day) for day in boundaries]
    state = BillingState(SubscriptionStatus.TRIALING, quantity=3, trial_ends_at=trial_end)

    periods = []
    for _ in range(12):
        state = cross_boundary(state)
        periods.append((state.current_period_start, state.current_period_end))
        assert state.status is SubscriptionStatus.ACTIVE
        assert state.billing_anchor_day == trial_end.day
        assert state.quantity == 3

    assert periods == list(pairwise(expected))
    # Each period starts exactly where the previous one ended.
    for (_, end), (next_start, _) in pairwise(periods):
        assert next_start == end
    total_days = sum(days_between(start, end) for start, end in periods)
    assert total_days == days_between(expected[0], expected[-1])
    assert total_days in (365, 366)


def test_the_trial_end_date_becomes_the_billing_anchor():
    trialing = BillingState(
        SubscriptionStatus.TRIALING, quantity=2, trial_ends_at=utc(2026, 11, 22)
    )

    active = cross_boundary(trialing)

    assert active.status is SubscriptionStatus.ACTIVE
    assert active.billing_anchor_day == 22
    assert (active.current_period_start, active.current_period_end) == (
        utc(2026, 11, 22),
        utc(2026, 12, 22),
    )
    assert active.next_boundary == utc(2026, 12, 22)


def test_crossing_a_period_keeps_the_stored_anchor_rather_than_the_start_day():
    # Started Feb 28 only because February is short: the anchor stays 31.
    state = BillingState(
        SubscriptionStatus.ACTIVE,
        quantity=1,
        trial_ends_at=utc(2027, 1, 31),
        current_period_start=utc(2027, 1, 31),
        current_period_end=utc(2027, 2, 28),
        billing_anchor_day=31,
    )

    after = cross_boundary(state)

    assert (after.current_period_start, after.current_period_end) == (
        utc(2027, 2, 28),
        utc(2027, 3, 31),
    )
    assert after.billing_anchor_day == 31


def test_the_next_boundary_is_the_trial_end_while_trialing():
    state = BillingState(SubscriptionStatus.TRIALING, quantity=1, trial_ends_at=utc(2026, 11, 22))
    assert state.next_boundary == utc(2026, 11, 22)
