"""Batch reads: each takes many keys and costs one statement, whatever their number.

Request-scoped loaders call these; results come back in the order of the keys, as
read-only records (services.persistence.records).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

import sqlalchemy as sa

from services.billing.run import falls_due
from services.permissions import Role, Viewer
from services.persistence.columns import Cents
from services.persistence.database import Database
from services.persistence.records import (
    AccountRecord,
    ChannelRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    SubscriptionRecord,
    UserRecord,
    record_of,
    select_records,
    split,
)
from services.persistence.tables import (
    Account,
    Channel,
    Invoice,
    InvoiceLine,
    Membership,
    Subscription,
    SubscriptionChange,
    User,
)
from services.subscriptions import PENDING_LINES_KEPT, Pending


async def _rows(db: Database, statement) -> list:
    return await db.rows(statement)


@dataclass(frozen=True, slots=True)
class SignedIn:
    viewer: Viewer
    accounts: list[AccountRecord]
    unbilled_account_ids: list[int]  # accounts with a boundary passed and not billed


async def viewer_with_accounts(db: Database, user_id: int, now: datetime) -> SignedIn | None:
    """The user, their roles and their accounts, and which of those have a boundary at
    or before `now` still to bill, in one statement."""
    unbilled = (
        sa.select(Subscription.id)
        .where(Subscription.account_id == Account.id, falls_due(now))
        .exists()
    )
    statement = (
        select_records(User, Account)
        .add_columns(Membership.role, unbilled)
        .select_from(User)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Account, Account.id == Membership.account_id)
        .where(User.id == user_id)
        .order_by(Account.id)
    )
    rows = await _rows(db, statement)
    if not rows:
        return None
    roles: dict[int, Role] = {}
    accounts, unbilled_ids = [], []
    for row in rows:
        user, account = split(row, User, Account)
        if account is not None:
            roles[account.id] = row[-2]
            accounts.append(account)
            if row[-1]:
                unbilled_ids.append(account.id)
    viewer = Viewer(user_id=user.id, email=user.email, name=user.name, roles=roles)
    return SignedIn(viewer, accounts, unbilled_ids)


async def user_by_email(db: Database, email: str) -> UserRecord | None:
    rows = await _rows(db, select_records(User).where(User.email == email))
    return UserRecord._make(rows[0]) if rows else None


async def _by_id(db: Database, model, ids: Sequence[int]) -> list:
    record = record_of(model)
    rows = await _rows(db, select_records(model).where(model.id.in_(ids)))
    found = {row.id: record._make(row) for row in rows}
    return [found.get(key) for key in ids]


async def users_by_id(db: Database, ids: Sequence[int]) -> list[UserRecord | None]:
    return await _by_id(db, User, ids)


async def accounts_by_id(db: Database, ids: Sequence[int]) -> list[AccountRecord | None]:
    return await _by_id(db, Account, ids)


async def invoices_by_id(db: Database, ids: Sequence[int]) -> list[InvoiceRecord | None]:
    return await _by_id(db, Invoice, ids)


async def _grouped(
    db: Database, model, statement, key_column: str, keys: Sequence[int]
) -> list[list]:
    record = record_of(model)
    groups: dict[int, list] = defaultdict(list)
    for row in await _rows(db, statement):
        groups[getattr(row, key_column)].append(record._make(row))
    return [groups.get(key, []) for key in keys]


# A subscription with the proration lines pending on its next invoice (the first ones).
WithPending = tuple[SubscriptionRecord, Pending]


@cache  # built once per kind of database: the statement is rebuilt on every read
def _first_pending_lines(sqlite: bool) -> tuple:
    """One more than PENDING_LINES_KEPT pending lines of each subscription (so a read
    knows whether it has them all), as (what to join, its line columns, on what).
    LATERAL on PostgreSQL; SQLite has none, and `id IN (… LIMIT)` per subscription
    serves there. Measured with 1,600 lines: window functions over every line cost
    four times as much on SQLite, this IN forty times as much on PostgreSQL."""
    lines = InvoiceLine.__table__.alias("first_pending_lines")
    first = (
        sa.select(lines)
        .where(lines.c.subscription_id == Subscription.id, lines.c.invoice_id.is_(None))
        .order_by(lines.c.id)
        .limit(PENDING_LINES_KEPT + 1)
        .correlate(Subscription)
    )
    names = [column.name for column in record_of(InvoiceLine).columns]
    if sqlite:
        table = InvoiceLine.__table__
        ids = first.with_only_columns(lines.c.id)
        return table, [table.c[name] for name in names], table.c.id.in_(ids)
    lateral = first.lateral("first_pending")
    return lateral, [lateral.c[name] for name in names], sa.true()


async def _with_pending(db: Database, condition) -> list[WithPending]:
    """Subscriptions (oldest first) with their pending lines, in one statement whose
    answer stops growing past PENDING_LINES_KEPT lines a subscription; past them the
    total is another statement (`subscriptions_with_pending_total`), when asked."""
    lines, line_columns, kept = _first_pending_lines(db.is_sqlite)
    statement = (
        select_records(Subscription)
        .add_columns(*line_columns)
        .select_from(Subscription)
        .outerjoin(lines, kept)
        .where(condition)
        .order_by(Subscription.subscribed_at, Subscription.id, line_columns[0])
    )
    found: dict[int, WithPending] = {}
    for row in await _rows(db, statement):
        subscription, line = split(row, Subscription, InvoiceLine)
        _, first_lines = found.setdefault(subscription.id, (subscription, []))
        if line is not None:
            first_lines.append(line)
    return [(subscription, Pending.first_of(lines)) for subscription, lines in found.values()]


async def subscriptions_by_id(db: Database, ids: Sequence[int]) -> list[WithPending | None]:
    found = {s.id: (s, lines) for s, lines in await _with_pending(db, Subscription.id.in_(ids))}
    return [found.get(key) for key in ids]


async def subscriptions_of_accounts(
    db: Database, account_ids: Sequence[int]
) -> list[list[WithPending]]:
    """Each account's subscriptions, oldest first."""
    groups: dict[int, list[WithPending]] = defaultdict(list)
    for subscription, lines in await _with_pending(db, Subscription.account_id.in_(account_ids)):
        groups[subscription.account_id].append((subscription, lines))
    return [groups.get(key, []) for key in account_ids]


# A subscription with the sum of the proration lines pending on its next invoice.
WithPendingTotal = tuple[SubscriptionRecord, Decimal]


async def subscriptions_with_pending_total(
    db: Database, ids: Sequence[int]
) -> list[WithPendingTotal | None]:
    """Subscriptions and the total of their pending lines, summed by the database: one
    statement, whose answer does not grow with the number of lines."""
    pending = (
        sa.select(
            InvoiceLine.subscription_id,
            sa.func.sum(InvoiceLine.amount).label("pending_total"),
        )
        .where(InvoiceLine.subscription_id.in_(ids), InvoiceLine.invoice_id.is_(None))
        .group_by(InvoiceLine.subscription_id)
        .subquery()
    )
    zero = sa.literal_column("0")
    total = sa.type_coerce(sa.func.coalesce(pending.c.pending_total, zero), Cents())
    statement = (
        select_records(Subscription)
        .add_columns(total)
        .outerjoin(pending, pending.c.subscription_id == Subscription.id)
        .where(Subscription.id.in_(ids))
    )
    found = {}
    for row in await _rows(db, statement):
        subscription = SubscriptionRecord._make(row[:-1])
        found[subscription.id] = (subscription, row[-1])
    return [found.get(key) for key in ids]


async def pending_lines_of_subscriptions(
    db: Database, subscription_ids: Sequence[int]
) -> list[list[InvoiceLineRecord]]:
    """Proration lines not on an issued invoice yet, in the order they were made."""
    statement = (
        select_records(InvoiceLine)
        .where(InvoiceLine.subscription_id.in_(subscription_ids), InvoiceLine.invoice_id.is_(None))
        .order_by(InvoiceLine.id)
    )
    return await _grouped(db, InvoiceLine, statement, "subscription_id", subscription_ids)


async def channels_by_id(db: Database, ids: Sequence[int]) -> list[ChannelRecord | None]:
    return await _by_id(db, Channel, ids)


async def channels_of_subscriptions(
    db: Database, subscription_ids: Sequence[int]
) -> list[list[ChannelRecord]]:
    """Each subscription's connected channels, oldest first."""
    statement = (
        select_records(Channel)
        .where(Channel.subscription_id.in_(subscription_ids))
        .order_by(Channel.connected_at, Channel.id)
    )
    return await _grouped(db, Channel, statement, "subscription_id", subscription_ids)


async def lines_of_invoices(
    db: Database, invoice_ids: Sequence[int]
) -> list[list[InvoiceLineRecord]]:
    statement = (
        select_records(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(invoice_ids))
        .order_by(InvoiceLine.id)
    )
    return await _grouped(db, InvoiceLine, statement, "invoice_id", invoice_ids)


@dataclass(frozen=True, slots=True)
class Listing:
    """A newest-first list of one owner's records, paged by keyset: a position is the
    record's values of `order` (all descending), unique and stable."""

    model: type
    owner: str
    order: tuple[str, ...]

    def position(self, record) -> tuple:
        return tuple(getattr(record, name) for name in self.order)


INVOICES = Listing(Invoice, owner="account_id", order=("issued_at", "id"))
SUBSCRIPTION_CHANGES = Listing(SubscriptionChange, owner="subscription_id", order=("id",))


@dataclass(frozen=True, slots=True)
class PageRequest:
    owner_id: int
    first: int
    after: tuple | None = None


@dataclass(frozen=True, slots=True)
class Page:
    items: list
    has_next_page: bool


async def pages(db: Database, listing: Listing, requests: Sequence[PageRequest]) -> list[Page]:
    """Pages of several owners' lists. Requests that share `first` and `after` share one
    statement: the dashboard asks for every account's first page at once."""
    found: dict[PageRequest, Page] = {}
    shapes: dict[tuple[int, tuple | None], list[int]] = defaultdict(list)
    for request in requests:
        shapes[request.first, request.after].append(request.owner_id)
    for (first, after), owner_ids in shapes.items():
        rows = await _newest(db, listing, owner_ids, first + 1, after)
        for owner_id in owner_ids:
            items = rows.get(owner_id, [])
            found[PageRequest(owner_id, first, after)] = Page(items[:first], len(items) > first)
    return [found[request] for request in requests]


async def _newest(
    db: Database, listing: Listing, owner_ids: list[int], limit: int, after: tuple | None
) -> dict[int, list]:
    model = listing.model
    owner = getattr(model, listing.owner)
    order = [getattr(model, name) for name in listing.order]
    rank = sa.func.row_number().over(partition_by=owner, order_by=[c.desc() for c in order])
    inner = select_records(model).add_columns(rank.label("rank")).where(owner.in_(owner_ids))
    if after is not None:
        bound = [sa.literal(value, column.type) for value, column in zip(after, order, strict=True)]
        inner = inner.where(sa.tuple_(*order) < sa.tuple_(*bound))
    ranked = inner.subquery()
    record = record_of(model)
    statement = (
        sa.select(*(ranked.c[column.name] for column in record.columns))
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c[listing.owner], ranked.c.rank)
    )
    grouped: dict[int, list] = defaultdict(list)
    for row in await _rows(db, statement):
        found = record._make(row)
        grouped[getattr(found, listing.owner)].append(found)
    return grouped
