"""Properties of the billing rules over many generated states (SPEC §2–4)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from math import floor

from hypothesis import given, settings
from hypothesis import strategies as st

from services.billing.cycle import (
    BillingState,
    SubscriptionStatus,
    billing_state,
    cross_boundary,
)
from services.billing.invoices import (
    InvoiceLineKind,
    LineDraft,
    invoice_at_next_boundary,
)
from services.billing.proration import price_change, prorate
from services.catalog import PLANS, Plan
from services.permissions import Role, Viewer
from services.persistence.tables import Subscription
from services.quotes import quote_key
from services.subscriptions import preview_cost
from tests.support.people import ADA

QUOTE_KEY = quote_key("a secret for the tests of the rules")

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None)

ACCOUNT_ID = 10
ADMIN = Viewer(1, ADA, "Ada", {ACCOUNT_ID: Role.ADMIN})
HALF_CENT = Fraction(1, 200)


def month_length(year: int, month: int) -> int:
    """Independent of `calendar`, which the code under test uses."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def anchored(year: int, month: int, anchor: int) -> datetime:
    return datetime(year, month, min(anchor, month_length(year, month)), tzinfo=UTC)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def half_up_cents(exact: Fraction) -> Decimal:
    """The SPEC's rounding, written independently of services.money."""
    sign = -1 if exact < 0 else 1
    cents = floor(abs(exact) * 100 + Fraction(1, 2))
    return Decimal(sign * cents).scaleb(-2)


def monthly(plan: Plan, quantity: int) -> Fraction:
    return Fraction(plan.first_unit_price) + Fraction(plan.additional_unit_price) * (quantity - 1)


@st.composite
def periods(draw):
    """An anchor and one of its periods, built from the rule by hand."""
    anchor = draw(st.integers(1, 31))
    year, month = draw(st.integers(2026, 2030)), draw(st.integers(1, 12))
    start = anchored(year, month, anchor)
    end = anchored(*next_month(year, month), anchor)
    return anchor, start, end


def instants_in(start: datetime, end: datetime):
    seconds = int((end - start).total_seconds())
    return st.integers(0, seconds - 1).map(lambda s: start + timedelta(seconds=s))


quantities = st.integers(1, 50)
cents = st.integers(-200_000, 200_000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def active_subscriptions(draw):
    plan = draw(st.sampled_from(PLANS))
    anchor, start, end = draw(periods())
    subscription = Subscription(
        id=1,
        account_id=ACCOUNT_ID,
        plan_code=plan.code,
        quantity=draw(quantities),
        status=SubscriptionStatus.ACTIVE,
        subscribed_at=start - timedelta(days=40),
        trial_ends_at=start - timedelta(days=33),
        current_period_start=start,
        current_period_end=end,
        billing_anchor_day=anchor,
    )
    return plan, subscription


def pending_line(amount: Decimal, start: datetime, end: datetime) -> LineDraft:
    return LineDraft(InvoiceLineKind.PRORATION, "earlier change", 1, amount, start, end)


@BOUNDED
@given(data=st.data(), subscribed=active_subscriptions(), new_quantity=quantities)
def test_the_preview_equals_the_charge_to_the_cent(data, subscribed, new_quantity):
    plan, subscription = subscribed
    state = billing_state(subscription)
    start, end = state.current_period_start, state.current_period_end
    now = data.draw(instants_in(start, end), label="now")
    earlier = data.draw(st.lists(cents, max_size=3), label="pending amounts")
    pending = [pending_line(amount, start, end) for amount in earlier]

    pending_total = sum((line.amount for line in pending), Decimal("0.00"))
    preview = preview_cost(ADMIN, subscription, pending_total, new_quantity, now, QUOTE_KEY)

    # What update_quantity charges at the same instant.
    change = price_change(plan, state, new_quantity, now)
    charged = [*pending]
    if new_quantity != state.quantity:
        assert change.line.amount == change.proration_amount
        charged.append(change.line)
    invoice = invoice_at_next_boundary(plan, replace(state, quantity=new_quantity), charged)[1]
    assert preview.proration_amount == change.proration_amount
    assert preview.next_invoice_total == invoice.total

    # And both agree with the SPEC's formula, computed here by hand.
    remaining = (end.date() - now.date()).days
    days = (end.date() - start.date()).days
    difference = monthly(plan, new_quantity) - monthly(plan, state.quantity)
    expected = half_up_cents(difference * remaining / days)
    assert preview.proration_amount == expected
    assert (preview.remaining_days, preview.days_in_period) == (remaining, days)
    expected_total = sum(map(Fraction, earlier), Fraction(expected)) + monthly(plan, new_quantity)
    assert Fraction(preview.next_invoice_total) == expected_total


@st.composite
def change_chains(draw):
    """A period and changes at non-decreasing instants in it, each to a new quantity."""
    plan = draw(st.sampled_from(PLANS))
    anchor, start, end = draw(periods())
    first = draw(quantities)
    seconds = int((end - start).total_seconds())
    offsets = sorted(draw(st.lists(st.integers(0, seconds - 1), min_size=1, max_size=12)))
    changes, current = [], first
    for offset in offsets:
        quantity = draw(quantities.filter(lambda q, current=current: q != current))
        changes.append((start + timedelta(seconds=offset), quantity))
        current = quantity
    return plan, anchor, start, end, first, changes


@BOUNDED
@given(chain=change_chains())
def test_a_chain_of_changes_never_drifts_more_than_half_a_cent_per_line(chain):
    plan, anchor, start, end, first, changes = chain
    state = BillingState(
        SubscriptionStatus.ACTIVE, first, start - timedelta(days=7), start, end, anchor
    )
    days = (end.date() - start.date()).days

    lines, exact_total, replaced = [], Fraction(0), first
    for at, quantity in changes:
        change = price_change(plan, state, quantity, at)
        line = change.line
        assert change.old_quantity == replaced  # priced against what it replaced
        assert line.quantity == quantity
        exact = (monthly(plan, quantity) - monthly(plan, replaced)) * (end.date() - at.date()).days
        exact /= days
        assert abs(Fraction(line.amount) - exact) <= HALF_CENT
        exact_total += exact
        lines.append(line)
        state, replaced = replace(state, quantity=quantity), quantity

    rounded_total = sum(Fraction(line.amount) for line in lines)
    assert abs(rounded_total - exact_total) <= HALF_CENT * len(lines)
    assert lines[-1].quantity == changes[-1][1]


@BOUNDED
@given(difference=cents, data=st.data())
def test_proration_is_antisymmetric(difference, data):
    days = data.draw(st.integers(28, 31), label="days")
    remaining = data.draw(st.integers(1, days), label="remaining")

    assert prorate(difference, remaining, days) == -prorate(-difference, remaining, days)
    # Never more than the whole difference, never on the other side of zero.
    assert abs(prorate(difference, remaining, days)) <= abs(difference)
    assert prorate(difference, remaining, days) * difference >= 0


@BOUNDED
@given(anchor=st.integers(1, 31), year=st.integers(2026, 2030), month=st.integers(1, 12))
def test_two_years_of_periods_keep_the_anchor_day_wherever_the_month_has_it(anchor, year, month):
    state = BillingState(
        SubscriptionStatus.TRIALING, quantity=1, trial_ends_at=anchored(year, month, anchor)
    )
    if state.trial_ends_at.day != anchor:
        # A trial ending on, say, Feb 28 anchors on the 28th, not the 31st.
        anchor = state.trial_ends_at.day

    for _ in range(24):
        previous_end = state.next_boundary
        state = cross_boundary(state)
        assert state.current_period_start == previous_end
        year, month = next_month(year, month)
        assert state.current_period_end == anchored(year, month, anchor)
