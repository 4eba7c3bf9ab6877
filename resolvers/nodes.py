from dataclasses import dataclass

from resolvers import accounts, channels, ids, subscriptions
from resolvers.context import Context
from services.billing.invoices import InvoiceDraft
from services.persistence.records import (
    AccountRecord,
    ChannelRecord,
    InvoiceRecord,
    SubscriptionRecord,
)
from services.subscriptions import UpcomingTotals


@dataclass(frozen=True, slots=True)
class UpcomingInvoice:
    subscription: SubscriptionRecord
    draft: InvoiceDraft | UpcomingTotals


async def node(
    context: Context, node_id: str
) -> AccountRecord | SubscriptionRecord | InvoiceRecord | ChannelRecord | UpcomingInvoice | None:
    """Whatever the id names, if the viewer may see it; None for anything else."""
    viewer = await context.viewer()
    match ids.type_name_of(node_id):
        case "Account":
            return await accounts.account(context, node_id)
        case "Subscription":
            return await subscriptions.subscription(context, node_id)
        case "Channel":
            return await channels.channel(context, ids.decode(node_id, "Channel"))
        case "Invoice":
            raw = ids.decode_any(node_id, "Invoice") or ""
            if raw.startswith(ids.UPCOMING_PREFIX):
                key = ids.database_id(raw.removeprefix(ids.UPCOMING_PREFIX))
                of = await subscriptions.readable(context, key)
                if of is None:
                    return None
                return UpcomingInvoice(of, await subscriptions.upcoming_invoice(context, of))
            key = ids.database_id(raw)
            found = await context.loaders.invoice.load(key) if key is not None else None
            return found if found is not None and viewer.can_read(found.account_id) else None
    return None
