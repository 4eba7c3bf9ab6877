"""Per-request DataLoaders over the batch reads, so an operation costs a fixed number
of statements whatever the data size. Never shared between requests or users.

Each loader is made when a field first asks for it, and none refers back to Loaders:
a request's loaders, their futures and the records in them are freed by reference
counting when the request ends, not left as a cycle for the garbage collector (which
cost the dashboard about 2 ms a request when they were)."""

import weakref
from collections.abc import Iterable
from functools import cached_property, partial

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


def _remember(loaders: "weakref.ref[Loaders]", found: Iterable[queries.WithPending]) -> list:
    """Subscriptions come with their pending lines: keep both for later fields (while
    the request's loaders are there)."""
    kept = loaders()
    subscriptions = []
    for subscription, pending in found:
        if kept is not None:
            kept.subscription.prime(subscription.id, subscription)
            kept.pending.prime(subscription.id, pending)
            if pending.complete:
                kept.pending_lines.prime(subscription.id, list(pending.lines))
        subscriptions.append(subscription)
    return subscriptions


async def _subscriptions(db: Database, loaders, ids: list[int]) -> list:
    found = await queries.subscriptions_by_id(db, ids)
    _remember(loaders, (item for item in found if item is not None))
    return [item[0] if item is not None else None for item in found]


async def _pending(db: Database, loaders, ids: list[int]) -> list[Pending]:
    found = await queries.subscriptions_by_id(db, ids)
    _remember(loaders, (item for item in found if item is not None))
    return [item[1] if item is not None else Pending.of(()) for item in found]


async def _subscriptions_of_accounts(db: Database, loaders, account_ids: list[int]) -> list:
    owned = await queries.subscriptions_of_accounts(db, account_ids)
    return [_remember(loaders, found) for found in owned]


class Loaders:
    def __init__(self, db: Database):
        self.db = db

    def _batch(self, read) -> DataLoader:
        return DataLoader(partial(read, self.db))

    def _priming(self, read) -> DataLoader:
        return DataLoader(partial(read, self.db, weakref.ref(self)))

    @cached_property
    def account(self) -> DataLoader[int, AccountRecord | None]:
        return self._batch(queries.accounts_by_id)

    @cached_property
    def user(self) -> DataLoader[int, UserRecord | None]:
        return self._batch(queries.users_by_id)

    @cached_property
    def subscription(self) -> DataLoader[int, SubscriptionRecord | None]:
        return self._priming(_subscriptions)

    @cached_property
    def invoice(self) -> DataLoader[int, InvoiceRecord | None]:
        return self._batch(queries.invoices_by_id)

    @cached_property
    def subscriptions_of_account(self) -> DataLoader[int, list[SubscriptionRecord]]:
        return self._priming(_subscriptions_of_accounts)

    @cached_property
    def pending_lines(self) -> DataLoader[int, list[InvoiceLineRecord]]:
        return self._batch(queries.pending_lines_of_subscriptions)

    @cached_property
    def pending(self) -> DataLoader[int, Pending]:
        return self._priming(_pending)

    @cached_property
    def with_pending_total(self) -> DataLoader[int, queries.WithPendingTotal | None]:
        return self._batch(queries.subscriptions_with_pending_total)

    @cached_property
    def invoice_lines(self) -> DataLoader[int, list[InvoiceLineRecord]]:
        return self._batch(queries.lines_of_invoices)

    @cached_property
    def invoice_page(self) -> DataLoader[queries.PageRequest, queries.Page]:
        return DataLoader(partial(queries.pages, self.db, queries.INVOICES))

    @cached_property
    def change_page(self) -> DataLoader[queries.PageRequest, queries.Page]:
        return DataLoader(partial(queries.pages, self.db, queries.SUBSCRIPTION_CHANGES))

    @cached_property
    def channel(self) -> DataLoader[int, ChannelRecord | None]:
        return self._batch(queries.channels_by_id)

    @cached_property
    def channels_of_subscription(self) -> DataLoader[int, list[ChannelRecord]]:
        return self._batch(queries.channels_of_subscriptions)
