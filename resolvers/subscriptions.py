from collections.abc import Sequence

from resolvers import ids
from resolvers.accounts import page_request
from resolvers.context import Context
from resolvers.loaders import existing
from services import changes, queries, subscriptions
from services.billing.invoices import InvoiceDraft, Line
from services.catalog import PlanCode
from services.errors import Subject, not_found
from services.money import ZERO
from services.persistence.records import (
    AccountRecord,
    ChannelRecord,
    SubscriptionLike,
    SubscriptionRecord,
    UserRecord,
)


async def subscription(context: Context, subscription_id: str) -> SubscriptionRecord | None:
    return await readable(context, ids.decode(subscription_id, "Subscription"))


async def readable(context: Context, key: int | None) -> SubscriptionRecord | None:
    """The subscription with that key, if the viewer may see it."""
    viewer = await context.viewer()
    found = await context.loaders.subscription.load(key) if key is not None else None
    return found if found is not None and viewer.can_read(found.account_id) else None


async def account_of(context: Context, of: SubscriptionLike) -> AccountRecord:
    return await existing(context.loaders.account, of.account_id)


def viewer_can_update(context: Context, of: SubscriptionLike) -> bool:
    return context.signed_in.can_change(of.account_id)


async def upcoming_invoice(
    context: Context, of: SubscriptionLike, pending: subscriptions.Pending | None = None
) -> InvoiceDraft | subscriptions.UpcomingTotals:
    """`pending`: the proration lines, when a change has just told them. With more than
    a read brings along, the totals only: `upcoming_lines` lists them all."""
    if pending is None:
        pending = await context.loaders.pending.load(of.id)
    if pending.complete:
        return subscriptions.upcoming_invoice(of, pending.lines, context.clock.now())
    total = pending.total
    if total is None:  # summed by the database, only for subscriptions with that many
        [_, total] = await existing(context.loaders.with_pending_total, of.id)
    return subscriptions.upcoming_totals(of, total, context.clock.now())


async def upcoming_lines(context: Context, of: SubscriptionLike) -> Sequence[Line]:
    """Every line of the upcoming invoice, however many are pending."""
    pending = await context.loaders.pending_lines.load(of.id)
    return subscriptions.upcoming_invoice(of, pending, context.clock.now()).lines


async def channels(context: Context, of: SubscriptionLike) -> list[ChannelRecord]:
    return await context.loaders.channels_of_subscription.load(of.id)


async def history(
    context: Context, of: SubscriptionLike, first: int | None, after: str | None
) -> queries.Page:
    request = page_request(queries.SUBSCRIPTION_CHANGES, of.id, first, after)
    return await context.loaders.change_page.load(request)


async def changed_by(context: Context, user_id: int) -> UserRecord:
    return await existing(context.loaders.user, user_id)


async def preview_cost(
    context: Context, subscription_id: str, quantity: int
) -> subscriptions.CostPreview:
    viewer = await context.viewer()
    key = ids.decode(subscription_id, "Subscription")
    if key is None:
        raise not_found(Subject.SUBSCRIPTION)
    # The pending lines only count by their total: summed in SQL, however many.
    found = await context.loaders.with_pending_total.load(key)
    subscription, pending_total = found if found is not None else (None, ZERO)
    return subscriptions.preview_cost(
        viewer, subscription, pending_total, quantity, context.clock.now(), context.quote_key
    )


async def update_quantity(
    context: Context,
    subscription_id: str,
    quantity: int,
    expected_quantity: int | None = None,
    quote_id: str | None = None,
    idempotency_key: str | None = None,
) -> changes.QuantityChanged:
    return await changes.update_quantity(
        await context.change_request(idempotency_key),
        ids.decode(subscription_id, "Subscription"),
        quantity,
        expected_quantity,
        quote_id,
    )


async def subscribe_product(
    context: Context,
    account_id: str,
    plan_code: PlanCode,
    quantity: int,
    idempotency_key: str | None = None,
) -> changes.Changed:
    return await changes.subscribe_product(
        await context.change_request(idempotency_key),
        ids.decode(account_id, "Account"),
        plan_code,
        quantity,
    )
