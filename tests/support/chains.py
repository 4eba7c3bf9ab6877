"""Concurrent changes of one subscription must form one chain: each replaced what the
one before it left, and was priced against it."""

from sqlmodel import select

from services.billing.proration import prorate
from services.catalog import PlanCode, plan_for
from services.persistence.tables import InvoiceLine, SubscriptionChange

OMNICHANNEL = plan_for(PlanCode.OMNICHANNEL)


async def assert_one_chain(db, accepted: int, start: int = 3) -> list[SubscriptionChange]:
    """Acme's Omnichannel (from `start` channels, on Nov 15 of a 30-day period) changed
    `accepted` times: one audit record and one pending line each, in one chain. Returns
    the changes, oldest first."""
    async with db.session() as session:
        changes = (
            await session.exec(select(SubscriptionChange).order_by(SubscriptionChange.id))
        ).all()
        pending = select(InvoiceLine).where(InvoiceLine.invoice_id.is_(None))
        lines = (await session.exec(pending.order_by(InvoiceLine.id))).all()
    assert len(changes) == len(lines) == accepted
    previous = start
    for change, line in zip(changes, lines, strict=True):
        assert change.old_quantity == previous
        assert line.quantity == change.new_quantity
        difference = OMNICHANNEL.monthly_cost(line.quantity) - OMNICHANNEL.monthly_cost(previous)
        assert line.amount == change.proration_amount == prorate(difference, 16, 30)
        previous = change.new_quantity
    return list(changes)
