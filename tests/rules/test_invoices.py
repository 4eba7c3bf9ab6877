"""SPEC §3–4 without a database: what each boundary invoices, the upcoming invoice, and
the cost preview (pure functions of a subscription loaded in memory)."""

from decimal import Decimal

import pytest

from services.billing.cycle import BillingState, SubscriptionStatus, billing_state
from services.billing.invoices import (
    InvoiceDraft,
    InvoiceLineKind,
    LineDraft,
    recurring_line,
    settle,
)
from services.billing.proration import price_change
from services.catalog import PlanCode, plan_for
from services.errors import Reason, Refused, Subject
from services.permissions import Role, Viewer
from services.persistence.tables import Subscription
from services.quotes import quote_key
from services.subscriptions import preview_cost, upcoming_invoice
from tests.support.people import ADA, GUS, MAX
from tests.support.time import utc

QUOTE_KEY = quote_key("a secret for the tests of the rules")

OMNICHANNEL = plan_for(PlanCode.OMNICHANNEL)  # monthly: 3 → 127, 4 → 166, 5 → 205, 7 → 283
WHATSAPP = plan_for(PlanCode.WHATSAPP_BUSINESS)  # 29 per number

ACCOUNT_ID = 10
ADMIN = Viewer(1, ADA, "Ada", {ACCOUNT_ID: Role.ADMIN})
MEMBER = Viewer(2, MAX, "Max", {ACCOUNT_ID: Role.MEMBER})
STRANGER = Viewer(3, GUS, "Gus", {99: Role.ADMIN})


def omnichannel_in_november(quantity: int = 3) -> Subscription:
    """The SPEC's Acme subscription: ACTIVE, period Nov 1 → Dec 1 2026."""
    return Subscription(
        id=1,
        account_id=ACCOUNT_ID,
        plan_code=PlanCode.OMNICHANNEL,
        quantity=quantity,
        status=SubscriptionStatus.ACTIVE,
        subscribed_at=utc(2026, 9, 24),
        trial_ends_at=utc(2026, 10, 1),
        current_period_start=utc(2026, 11, 1),
        current_period_end=utc(2026, 12, 1),
        billing_anchor_day=1,
    )


def whatsapp_on_trial(quantity: int = 2) -> Subscription:
    return Subscription(
        id=2,
        account_id=ACCOUNT_ID,
        plan_code=PlanCode.WHATSAPP_BUSINESS,
        quantity=quantity,
        status=SubscriptionStatus.TRIALING,
        subscribed_at=utc(2026, 11, 15, 12),
        trial_ends_at=utc(2026, 11, 22),
    )


def pending_proration(amount: str, quantity: int) -> LineDraft:
    """A proration line already charged in November, waiting for the next invoice."""
    return LineDraft(
        kind=InvoiceLineKind.PRORATION,
        description=f"earlier change to {quantity}",
        quantity=quantity,
        amount=Decimal(amount),
        period_start=utc(2026, 11, 1),
        period_end=utc(2026, 12, 1),
    )


def amounts(invoice: InvoiceDraft) -> list[str]:
    return [str(line.amount) for line in invoice.lines]


def kinds(invoice: InvoiceDraft) -> list[InvoiceLineKind]:
    return [line.kind for line in invoice.lines]


# --- lines -----------------------------------------------------------------------------


def test_the_recurring_line_charges_a_month_at_the_quantity_in_effect():
    state = BillingState(
        SubscriptionStatus.ACTIVE,
        quantity=3,
        trial_ends_at=utc(2026, 10, 1),
        current_period_start=utc(2026, 12, 1),
        current_period_end=utc(2027, 1, 1),
        billing_anchor_day=1,
    )

    line = recurring_line(OMNICHANNEL, state)

    assert line.kind is InvoiceLineKind.RECURRING
    assert line.amount == Decimal("127.00")
    assert line.quantity == 3
    assert (line.period_start, line.period_end) == (utc(2026, 12, 1), utc(2027, 1, 1))
    assert line.description == "Omnichannel, 3 channels (Dec 1, 2026 – Jan 1, 2027)"


def test_the_proration_line_carries_the_quote_and_the_period_it_was_priced_in():
    state = billing_state(omnichannel_in_november())
    line = price_change(OMNICHANNEL, state, 5, utc(2026, 11, 15, 12)).line

    assert line.kind is InvoiceLineKind.PRORATION
    assert line.amount == Decimal("41.60")
    assert line.quantity == 5
    assert (line.period_start, line.period_end) == (utc(2026, 11, 1), utc(2026, 12, 1))
    assert line.description == "Omnichannel, 3 → 5 channels, prorated for 16 of 30 days"


def test_an_invoice_total_is_the_sum_of_its_lines():
    lines = (pending_proration("41.60", 5), pending_proration("-20.80", 4))
    draft = InvoiceDraft(utc(2026, 12, 1), utc(2026, 12, 1), utc(2027, 1, 1), lines)
    assert draft.total == Decimal("20.80")

    empty = InvoiceDraft(utc(2026, 12, 1), utc(2026, 12, 1), utc(2027, 1, 1), ())
    assert empty.total == Decimal("0.00")


# --- settle: the billing run's rule ----------------------------------------------------


def test_settle_catches_up_missed_periods_with_one_invoice_per_boundary_in_order():
    state = billing_state(omnichannel_in_november(quantity=4))
    pending = [pending_proration("41.60", 5), pending_proration("-20.80", 4)]

    settlement = settle(OMNICHANNEL, state, pending, utc(2027, 2, 15, 8))

    periods = [(draft.period_start, draft.period_end) for draft in settlement.due]
    assert periods == [
        (utc(2026, 12, 1), utc(2027, 1, 1)),
        (utc(2027, 1, 1), utc(2027, 2, 1)),
        (utc(2027, 2, 1), utc(2027, 3, 1)),
    ]
    assert [draft.issued_at for draft in settlement.due] == [
        utc(2026, 12, 1),
        utc(2027, 1, 1),
        utc(2027, 2, 1),
    ]
    # Pending proration goes on the first invoice only; later ones are just the month.
    first, second, third = settlement.due
    assert amounts(first) == ["41.60", "-20.80", "166.00"]
    assert first.total == Decimal("186.80")
    assert amounts(second) == amounts(third) == ["166.00"]
    assert kinds(second) == [InvoiceLineKind.RECURRING]
    assert settlement.pending == ()
    assert (settlement.state.current_period_start, settlement.state.current_period_end) == (
        utc(2027, 2, 1),
        utc(2027, 3, 1),
    )


def test_settle_issues_at_the_boundary_instant_itself():
    state = billing_state(omnichannel_in_november())

    settlement = settle(OMNICHANNEL, state, [], utc(2026, 12, 1))

    assert [draft.period_start for draft in settlement.due] == [utc(2026, 12, 1)]


def test_settle_before_the_boundary_issues_nothing_and_keeps_the_pending_lines():
    state = billing_state(omnichannel_in_november(quantity=5))
    pending = [pending_proration("41.60", 5)]

    settlement = settle(OMNICHANNEL, state, pending, utc(2026, 11, 30, 23, 59, 59, 999_999))

    assert settlement.due == ()
    assert settlement.state == state
    assert [line.amount for line in settlement.pending] == [Decimal("41.60")]


def test_trial_end_issues_the_first_invoice_with_only_the_recurring_line():
    state = billing_state(whatsapp_on_trial())

    settlement = settle(WHATSAPP, state, [], utc(2026, 11, 22))

    (first,) = settlement.due
    assert kinds(first) == [InvoiceLineKind.RECURRING]
    assert amounts(first) == ["58.00"]
    assert (first.issued_at, first.period_start, first.period_end) == (
        utc(2026, 11, 22),
        utc(2026, 11, 22),
        utc(2026, 12, 22),
    )
    assert settlement.state.status is SubscriptionStatus.ACTIVE
    assert settlement.state.billing_anchor_day == 22


def test_catching_up_from_a_trial_ending_on_the_31st_keeps_the_anchor():
    state = BillingState(SubscriptionStatus.TRIALING, quantity=1, trial_ends_at=utc(2027, 1, 31))

    settlement = settle(WHATSAPP, state, [], utc(2027, 4, 1))

    assert [draft.period_start for draft in settlement.due] == [
        utc(2027, 1, 31),
        utc(2027, 2, 28),
        utc(2027, 3, 31),
    ]
    assert settlement.state.current_period_end == utc(2027, 4, 30)


# --- upcoming invoice -------------------------------------------------------------------


def test_upcoming_invoice_holds_pending_proration_and_the_next_month_at_the_new_quantity():
    subscription = omnichannel_in_november(quantity=5)

    upcoming = upcoming_invoice(
        subscription, [pending_proration("41.60", 5)], utc(2026, 11, 15, 12)
    )

    assert (upcoming.issued_at, upcoming.period_start, upcoming.period_end) == (
        utc(2026, 12, 1),
        utc(2026, 12, 1),
        utc(2027, 1, 1),
    )
    assert kinds(upcoming) == [InvoiceLineKind.PRORATION, InvoiceLineKind.RECURRING]
    assert amounts(upcoming) == ["41.60", "205.00"]
    assert upcoming.total == Decimal("246.60")


def test_upcoming_invoice_while_trialing_is_the_first_month_at_trial_end():
    upcoming = upcoming_invoice(whatsapp_on_trial(), [], utc(2026, 11, 17))

    assert (upcoming.issued_at, upcoming.period_end) == (utc(2026, 11, 22), utc(2026, 12, 22))
    assert amounts(upcoming) == ["58.00"]


def test_upcoming_invoice_after_an_unbilled_boundary_is_the_one_after_now():
    # Dec 1 has passed but was not billed yet: its invoice takes the pending line, so
    # the upcoming one (Jan 1) is only the month.
    subscription = omnichannel_in_november(quantity=5)

    upcoming = upcoming_invoice(
        subscription, [pending_proration("41.60", 5)], utc(2026, 12, 1, 0, 30)
    )

    assert (upcoming.period_start, upcoming.period_end) == (utc(2027, 1, 1), utc(2027, 2, 1))
    assert amounts(upcoming) == ["205.00"]


def test_upcoming_invoice_changes_nothing_it_is_given():
    subscription = omnichannel_in_november(quantity=5)
    pending = [pending_proration("41.60", 5)]
    before = subscription.model_dump()

    upcoming_invoice(subscription, pending, utc(2027, 3, 1))

    assert subscription.model_dump() == before
    assert [line.amount for line in pending] == [Decimal("41.60")]


# --- cost preview -----------------------------------------------------------------------


# A preview takes the pending lines by their total, which the database sums.
NOTHING_PENDING = Decimal("0.00")


def total(lines) -> Decimal:
    return sum((line.amount for line in lines), NOTHING_PENDING)


def test_preview_of_the_spec_example_3_to_5_channels():
    preview = preview_cost(
        ADMIN, omnichannel_in_november(), NOTHING_PENDING, 5, utc(2026, 11, 15, 12), QUOTE_KEY
    )

    assert preview.changed is True
    assert (preview.current_quantity, preview.new_quantity) == (3, 5)
    assert preview.current_monthly_cost == Decimal("127.00")
    assert preview.new_monthly_cost == Decimal("205.00")
    assert preview.proration_amount == Decimal("41.60")
    assert (preview.remaining_days, preview.days_in_period) == (16, 30)
    assert preview.next_invoice_total == Decimal("246.60")  # 41.60 + 205.00
    assert preview.messaging_allowance == 5000


def test_preview_next_invoice_total_is_pending_plus_proration_plus_new_month():
    # After the SPEC's 3 → 5, previewing 5 → 4 the same day.
    subscription = omnichannel_in_november(quantity=5)
    pending = [pending_proration("41.60", 5)]

    preview = preview_cost(ADMIN, subscription, total(pending), 4, utc(2026, 11, 15, 13), QUOTE_KEY)

    assert preview.proration_amount == Decimal("-20.80")
    assert preview.next_invoice_total == Decimal("186.80")  # 41.60 − 20.80 + 166.00


def test_preview_of_the_same_quantity_is_unchanged_and_costs_nothing():
    subscription = omnichannel_in_november(quantity=5)
    pending = [pending_proration("41.60", 5)]

    preview = preview_cost(
        MEMBER, subscription, total(pending), 5, utc(2026, 11, 15, 13), QUOTE_KEY
    )

    assert preview.changed is False
    assert preview.proration_amount == Decimal("0.00")
    assert preview.current_monthly_cost == preview.new_monthly_cost == Decimal("205.00")
    assert preview.next_invoice_total == Decimal("246.60")  # 41.60 + 205.00


def test_preview_while_trialing_is_free_and_has_no_days():
    preview = preview_cost(
        ADMIN, whatsapp_on_trial(), NOTHING_PENDING, 4, utc(2026, 11, 17), QUOTE_KEY
    )

    assert preview.changed is True
    assert preview.proration_amount == Decimal("0.00")
    assert (preview.remaining_days, preview.days_in_period) == (None, None)
    assert preview.next_invoice_total == Decimal("116.00")  # 4 × 29, first month
    assert preview.messaging_allowance == 4000


def test_preview_after_an_unbilled_boundary_is_priced_in_the_new_period():
    # Dec 1 passed without a billing run. The change belongs to Dec 1 → Jan 1 (31 days),
    # and the November proration already went on the Dec 1 invoice.
    subscription = omnichannel_in_november(quantity=5)
    pending = [pending_proration("41.60", 5)]

    preview = preview_cost(ADMIN, subscription, total(pending), 7, utc(2026, 12, 10, 9), QUOTE_KEY)

    assert (preview.remaining_days, preview.days_in_period) == (22, 31)
    assert preview.proration_amount == Decimal("55.35")  # 78 × 22 / 31 = 55.354…
    assert preview.next_invoice_total == Decimal("338.35")  # 55.35 + 283.00


def test_preview_exactly_at_the_boundary_is_a_whole_new_period():
    preview = preview_cost(
        ADMIN, omnichannel_in_november(), NOTHING_PENDING, 5, utc(2026, 12, 1), QUOTE_KEY
    )

    assert (preview.remaining_days, preview.days_in_period) == (31, 31)
    assert preview.proration_amount == Decimal("78.00")


def test_preview_writes_nothing():
    subscription = omnichannel_in_november(quantity=5)
    pending = [pending_proration("41.60", 5)]
    before = subscription.model_dump()

    preview_cost(ADMIN, subscription, total(pending), 7, utc(2027, 1, 10), QUOTE_KEY)

    assert subscription.model_dump() == before
    assert len(pending) == 1 and pending[0].amount == Decimal("41.60")


def test_any_member_may_preview():
    preview = preview_cost(
        MEMBER, omnichannel_in_november(), NOTHING_PENDING, 5, utc(2026, 11, 15, 12), QUOTE_KEY
    )
    assert preview.proration_amount == Decimal("41.60")


@pytest.mark.parametrize(
    "subscription",
    [pytest.param(omnichannel_in_november(), id="not-a-member"), pytest.param(None, id="missing")],
)
def test_preview_of_a_subscription_the_viewer_cannot_see_is_not_found(subscription):
    with pytest.raises(Refused) as refused:
        preview_cost(STRANGER, subscription, NOTHING_PENDING, 5, utc(2026, 11, 15, 12), QUOTE_KEY)

    assert refused.value.reason is Reason.NOT_FOUND
    assert refused.value.subject is Subject.SUBSCRIPTION


@pytest.mark.parametrize("quantity", [0, 51], ids=lambda q: f"quantity{q}")
def test_preview_of_a_quantity_outside_1_to_50_is_refused(quantity):
    with pytest.raises(Refused) as refused:
        preview_cost(
            ADMIN,
            omnichannel_in_november(),
            NOTHING_PENDING,
            quantity,
            utc(2026, 11, 15, 12),
            QUOTE_KEY,
        )

    assert refused.value.reason is Reason.INVALID_QUANTITY
    assert refused.value.subject is Subject.QUANTITY
