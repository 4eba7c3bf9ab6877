"""Per-request DataLoaders over the batch reads, so an operation costs a fixed number
of statements whatever the data size. Never shared between requests or users."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from services import queries
from services.persistence.database import Database
from services.persistence.records import (
    AccountRecord,
    ChannelRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    SubscriptionRecord,
    UserRecord,
)
from services.subscriptions import Pending


async def existing(loader: DataLoader, key: int):
    """What a foreign key names, which exists."""
    found = await loader.load(key)
    if found is None:
        raise LookupError(f"nothing has the key {key}")
    return found


@dataclass
class Loaders:
    db: Database
    account: DataLoader[int, AccountRecord | None] = field(init=False)
    user: DataLoader[int, UserRecord | None] = field(init=False)
    subscription: DataLoader[int, SubscriptionRecord | None] = field(init=False)
    invoice: DataLoader[int, InvoiceRecord | None] = field(init=False)
    subscriptions_of_account: DataLoader[int, list[SubscriptionRecord]] = field(init=False)
    pending_lines: DataLoader[int, list[InvoiceLineRecord]] = field(init=False)
    pending: DataLoader[int, Pending] = field(init=False)
    with_pending_total: DataLoader[int, queries.WithPendingTotal | None] = field(init=False)
    invoice_lines: DataLoader[int, list[InvoiceLineRecord]] = field(init=False)
    invoice_page: DataLoader[queries.PageRequest, queries.Page] = field(init=False)
    change_page: DataLoader[queries.PageRequest, queries.Page] = field(init=False)
    channel: DataLoader[int, ChannelRecord | None] = field(init=False)
    channels_of_subscription: DataLoader[int, list[ChannelRecord]] = field(init=False)

    def __post_init__(self) -> None:
        def loader(batch):
            return DataLoader(lambda keys: batch(self.db, keys))

        def pages(listing: queries.Listing):
            return DataLoader(lambda requests: queries.pages(self.db, listing, requests))

        self.account = loader(queries.accounts_by_id)
        self.user = loader(queries.users_by_id)
        self.subscription = DataLoader(self._subscriptions)
        self.invoice = loader(queries.invoices_by_id)
        self.subscriptions_of_account = DataLoader(self._subscriptions_of_accounts)
        self.pending_lines = loader(queries.pending_lines_of_subscriptions)
        self.with_pending_total = loader(queries.subscriptions_with_pending_total)
        self.pending = DataLoader(self._pending)
        self.invoice_lines = loader(queries.lines_of_invoices)
        self.invoice_page = pages(queries.INVOICES)
        self.change_page = pages(queries.SUBSCRIPTION_CHANGES)
        self.channel = loader(queries.channels_by_id)
        self.channels_of_subscription = loader(queries.channels_of_subscriptions)

    def _remember(self, found: Iterable[queries.WithPending]) -> list[SubscriptionRecord]:
        """Subscriptions come with their pending lines: keep both for later fields."""
        subscriptions = []
        for subscription, pending in found:
            self.subscription.prime(subscription.id, subscription)
            self.pending.prime(subscription.id, pending)
            if pending.complete:
                self.pending_lines.prime(subscription.id, list(pending.lines))
            subscriptions.append(subscription)
        return subscriptions

    async def _pending(self, ids: list[int]) -> list[Pending]:
        found = await queries.subscriptions_by_id(self.db, ids)
        self._remember(item for item in found if item is not None)
        return [item[1] if item is not None else Pending.of(()) for item in found]

    async def _subscriptions(self, ids: list[int]) -> list[SubscriptionRecord | None]:
        found = await queries.subscriptions_by_id(self.db, ids)
        self._remember(item for item in found if item is not None)
        return [item[0] if item is not None else None for item in found]

    async def _subscriptions_of_accounts(
        self, account_ids: list[int]
    ) -> list[list[SubscriptionRecord]]:
        return [
            self._remember(found)
            for found in await queries.subscriptions_of_accounts(self.db, account_ids)
        ]
