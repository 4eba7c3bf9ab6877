from resolvers.context import Context
from services.persistence.records import InvoiceLineRecord, InvoiceRecord, SubscriptionRecord


async def lines(context: Context, of: InvoiceRecord) -> list[InvoiceLineRecord]:
    return await context.loaders.invoice_lines.load(of.id)


async def subscription_of(context: Context, subscription_id: int) -> SubscriptionRecord:
    found = await context.loaders.subscription.load(subscription_id)
    assert found is not None  # a foreign key
    return found
