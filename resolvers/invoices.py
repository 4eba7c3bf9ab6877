from resolvers.context import Context
from services.persistence.tables import Invoice, InvoiceLine, Subscription


async def lines(context: Context, of: Invoice) -> list[InvoiceLine]:
    return await context.loaders.invoice_lines.load(of.id)


async def subscription_of(context: Context, subscription_id: int) -> Subscription:
    found = await context.loaders.subscription.load(subscription_id)
    assert found is not None  # a foreign key
    return found
