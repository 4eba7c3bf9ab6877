"""A subscription with more pending proration lines than a read brings along (a script's
thousands of changes): totals come from the database, `lines` still lists them all."""

from datetime import UTC, datetime
from decimal import Decimal

from resolvers.ids import decode
from services.billing.invoices import InvoiceLineKind
from services.persistence.statements import statements
from services.persistence.tables import InvoiceLine
from services.subscriptions import PENDING_LINES_KEPT
from tests.api.lookups import acme_omnichannel_id
from tests.support.operations import client_operation

MANY = PENDING_LINES_KEPT + 20
UPDATE_QUANTITY = client_operation("UpdateQuantity")
TOTAL = "query($id: ID!) { subscription(id: $id) { upcomingInvoice { total { amount } } } }"
LINES = """
query($id: ID!) {
  subscription(id: $id) { upcomingInvoice { total { amount } lines { kind amount { amount } } } }
}
"""


async def _with_many_pending_lines(api, db) -> str:
    subscription_id = await acme_omnichannel_id(api)
    key = decode(subscription_id, "Subscription")
    november = datetime(2026, 11, 1, tzinfo=UTC)
    async with db.transaction() as session:
        for number in range(MANY):
            session.add(
                InvoiceLine(
                    subscription_id=key,
                    kind=InvoiceLineKind.PRORATION,
                    description=f"change {number}",
                    quantity=3,
                    amount=Decimal("0.01"),
                    period_start=november,
                    period_end=datetime(2026, 12, 1, tzinfo=UTC),
                    created_at=november,
                )
            )
    return subscription_id


async def test_the_total_is_summed_by_the_database_and_the_lines_are_all_listed(api, db):
    subscription_id = await _with_many_pending_lines(api, db)

    with statements(api.app.state.db.engine) as for_total:
        total = await api.data(TOTAL, {"id": subscription_id})
    with statements(api.app.state.db.engine) as for_lines:
        listed = await api.data(LINES, {"id": subscription_id})

    expected = str(Decimal("127.00") + MANY * Decimal("0.01"))
    assert total["subscription"]["upcomingInvoice"]["total"]["amount"] == expected
    upcoming = listed["subscription"]["upcomingInvoice"]
    assert upcoming["total"]["amount"] == expected
    assert [line["kind"] for line in upcoming["lines"]] == ["PRORATION"] * MANY + ["RECURRING"]
    assert len(for_lines) == len(for_total) + 1  # all the lines: asked for, loaded apart


async def test_a_change_answers_its_total_from_what_it_committed(api, db):
    subscription_id = await _with_many_pending_lines(api, db)
    change = {"input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "m"}}

    payload = (await api.data(UPDATE_QUANTITY, change))["updateQuantity"]
    replayed = (await api.data(UPDATE_QUANTITY, change))["updateQuantity"]
    after = await api.data(LINES, {"id": subscription_id})

    # 41.60 for 3 → 5 on Nov 15, the pending cents, and December at 5 channels.
    expected = str(Decimal("41.60") + MANY * Decimal("0.01") + Decimal("205.00"))
    assert payload["subscription"]["upcomingInvoice"]["total"]["amount"] == expected
    assert replayed == payload
    assert after["subscription"]["upcomingInvoice"]["total"]["amount"] == expected
    assert len(after["subscription"]["upcomingInvoice"]["lines"]) == MANY + 2
