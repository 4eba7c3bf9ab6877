"""A subscription anchored on the 31st, billed through a year by the test clock."""

import itertools
from datetime import UTC, datetime

from sqlmodel import select

from services.catalog import PlanCode
from services.persistence.tables import Invoice
from tests.support.factories import account_with_admin, trialing_subscription
from tests.support.operations import ADVANCE

# Subscribed Jan 24, 2027: the trial ends Jan 31, which becomes the anchor.
SUBSCRIBED = datetime(2027, 1, 24, 9, 30, tzinfo=UTC)
EXPECTED_STARTS = [
    "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30",
    "2027-07-31", "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31",
    "2028-01-31",
]  # fmt: skip


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def issued_periods(db, subscription_id: int) -> list[tuple[datetime, datetime]]:
    async with db.session() as session:
        rows = await session.exec(
            select(Invoice).where(Invoice.subscription_id == subscription_id).order_by(Invoice.id)
        )
        return [(invoice.period_start, invoice.period_end) for invoice in rows]


async def start(apis, db):
    api = await apis.start(clock="2027-01-24T09:30:00Z")
    account = await account_with_admin(db, "Moonbase", "ann@moonbase.test", SUBSCRIBED)
    subscription = await trialing_subscription(db, account.id, PlanCode.SLACK, 2, SUBSCRIBED)
    return api, subscription


async def test_a_year_month_by_month_keeps_the_31st_anchor(apis, db):
    api, subscription = await start(apis, db)

    for start_day in EXPECTED_STARTS[:12]:
        advanced = await api.data(
            ADVANCE, {"to": f"{start_day}T00:00:00Z"}, as_user="ann@moonbase.test"
        )
        assert advanced["advanceTestClock"]["invoicesIssued"] == 1, start_day

    periods = await issued_periods(db, subscription.id)
    expected = [(day(a), day(b)) for a, b in itertools.pairwise(EXPECTED_STARTS)]
    assert periods == expected[:12]


async def test_six_months_at_once_issue_six_invoices_in_order(apis, db):
    api, subscription = await start(apis, db)

    advanced = await api.data(ADVANCE, {"to": "2027-06-30T00:00:00Z"}, as_user="ann@moonbase.test")

    assert advanced["advanceTestClock"]["invoicesIssued"] == 6
    periods = await issued_periods(db, subscription.id)
    starts = [start.date().isoformat() for start, _ in periods]
    assert starts == EXPECTED_STARTS[:6]
    # No gap, no overlap.
    assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(periods))
