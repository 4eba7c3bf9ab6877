from resolvers.context import Context
from resolvers.loaders import existing
from services.persistence.records import InvoiceLineRecord, InvoiceRecord, SubscriptionRecord


async def lines(context: Context, of: InvoiceRecord) -> list[InvoiceLineRecord]:
    return await context.loaders.invoice_lines.load(of.id)


async def subscription_of(context: Context, subscription_id: int) -> SubscriptionRecord:
    return await existing(context.loaders.subscription, subscription_id)
