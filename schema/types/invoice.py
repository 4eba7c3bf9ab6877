from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from resolvers import ids, invoices, subscriptions
from schema.types.enums import InvoiceLineKind, InvoiceStatus
from schema.types.money import Money
from schema.types.pagination import connection_of
from services.billing.invoices import InvoiceDraft, Line
from services.billing.invoices import InvoiceStatus as Status
from services.persistence.records import InvoiceLineRecord, InvoiceRecord, SubscriptionLike
from services.queries import INVOICES, Page
from services.subscriptions import UpcomingTotals

if TYPE_CHECKING:
    from schema.types.subscription import SubscriptionType


@strawberry.type(name="InvoiceLine")
class InvoiceLineType:
    kind: InvoiceLineKind
    description: str
    quantity: int = strawberry.field(description="The quantity after the change, or billed.")
    amount: Money
    period_start: datetime
    period_end: datetime

    @classmethod
    def of(cls, line: Line) -> "InvoiceLineType":
        return cls(
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            amount=Money.of(line.amount),
            period_start=line.period_start,
            period_end=line.period_end,
        )


@strawberry.type(name="Invoice")
class InvoiceType(relay.Node):
    id: relay.NodeID[str]
    number: str | None = strawberry.field(description="Null while UPCOMING.")
    status: InvoiceStatus
    issued_at: datetime = strawberry.field(description="For UPCOMING: when it will be issued.")
    period_start: datetime = strawberry.field(description="The period its recurring line pays for.")
    period_end: datetime
    total: Money
    subscription_id: strawberry.Private[int]
    record: strawberry.Private[InvoiceRecord | None]
    # An upcoming invoice's lines, or None when too many are pending to bring along.
    drafted_lines: strawberry.Private[Sequence[Line] | None]
    upcoming_of: strawberry.Private[SubscriptionLike | None] = None

    @classmethod
    def issued(cls, invoice: InvoiceRecord) -> "InvoiceType":
        return cls(
            id=str(invoice.id),
            number=invoice.number,
            status=Status.ISSUED,
            issued_at=invoice.issued_at,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            total=Money.of(invoice.total),
            subscription_id=invoice.subscription_id,
            record=invoice,
            drafted_lines=(),
        )

    @classmethod
    def upcoming(
        cls, subscription: SubscriptionLike, draft: InvoiceDraft | UpcomingTotals
    ) -> "InvoiceType":
        return cls(
            id=f"{ids.UPCOMING_PREFIX}{subscription.id}",
            number=None,
            status=Status.UPCOMING,
            issued_at=draft.issued_at,
            period_start=draft.period_start,
            period_end=draft.period_end,
            total=Money.of(draft.total),
            subscription_id=subscription.id,
            record=None,
            drafted_lines=draft.lines if isinstance(draft, InvoiceDraft) else None,
            upcoming_of=subscription,
        )

    @strawberry.field
    async def subscription(
        self, info: strawberry.Info
    ) -> Annotated["SubscriptionType", strawberry.lazy("schema.types.subscription")]:
        from schema.types.subscription import SubscriptionType

        found = await invoices.subscription_of(info.context, self.subscription_id)
        return SubscriptionType.of(found)

    @strawberry.field
    async def lines(self, info: strawberry.Info) -> list[InvoiceLineType]:
        found: Sequence[InvoiceLineRecord | Line]
        if self.record is not None:
            found = await invoices.lines(info.context, self.record)
        elif self.drafted_lines is not None:
            found = self.drafted_lines
        else:
            found = await subscriptions.upcoming_lines(info.context, self.upcoming_of)
        return [InvoiceLineType.of(line) for line in found]


@strawberry.type(name="InvoiceConnection", description="Issued invoices, newest first.")
class InvoiceConnection(relay.Connection[InvoiceType]):
    @classmethod
    def of(cls, page: Page, after: str | None) -> "InvoiceConnection":
        return connection_of(cls, INVOICES, page, after, InvoiceType.issued)
