"""Batch reads: each takes many keys and costs one statement, whatever their number.

Request-scoped loaders call these; results come back in the order of the keys.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from services.permissions import Role, Viewer
from services.persistence.database import Database
from services.persistence.tables import (
    Account,
    Invoice,
    InvoiceLine,
    Membership,
    Subscription,
    User,
)


async def viewer_with_accounts(db: Database, user_id: int) -> tuple[Viewer, list[Account]] | None:
    """The user, their roles and their accounts, in one statement."""
    statement = (
        select(User, Membership.role, Account)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Account, Account.id == Membership.account_id)
        .where(User.id == user_id)
        .order_by(Account.id)
    )
    async with db.session() as session:
        rows = (await session.exec(statement)).all()
    if not rows:
        return None
    user = rows[0][0]
    roles: dict[int, Role] = {}
    accounts = []
    for _, role, account in rows:
        if account is not None:
            roles[account.id] = role
            accounts.append(account)
    return Viewer(user_id=user.id, email=user.email, name=user.name, roles=roles), accounts


async def user_by_email(db: Database, email: str) -> User | None:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).first()


async def _by_id(db: Database, model, ids: Sequence[int]) -> list:
    async with db.session() as session:
        rows = (await session.exec(select(model).where(model.id.in_(ids)))).all()
    found = {row.id: row for row in rows}
    return [found.get(key) for key in ids]


async def accounts_by_id(db: Database, ids: Sequence[int]) -> list[Account | None]:
    return await _by_id(db, Account, ids)


async def subscriptions_by_id(db: Database, ids: Sequence[int]) -> list[Subscription | None]:
    return await _by_id(db, Subscription, ids)


async def invoices_by_id(db: Database, ids: Sequence[int]) -> list[Invoice | None]:
    return await _by_id(db, Invoice, ids)


async def _grouped(db: Database, statement, key_column: str, keys: Sequence[int]) -> list[list]:
    async with db.session() as session:
        rows = (await session.exec(statement)).all()
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key_column)].append(row)
    return [groups.get(key, []) for key in keys]


async def subscriptions_of_accounts(
    db: Database, account_ids: Sequence[int]
) -> list[list[Subscription]]:
    """Each account's subscriptions, oldest first."""
    statement = (
        select(Subscription)
        .where(Subscription.account_id.in_(account_ids))
        .order_by(Subscription.subscribed_at, Subscription.id)
    )
    return await _grouped(db, statement, "account_id", account_ids)


async def pending_lines_of_subscriptions(
    db: Database, subscription_ids: Sequence[int]
) -> list[list[InvoiceLine]]:
    """Proration lines not on an issued invoice yet, in the order they were made."""
    statement = (
        select(InvoiceLine)
        .where(InvoiceLine.subscription_id.in_(subscription_ids), InvoiceLine.invoice_id.is_(None))
        .order_by(InvoiceLine.id)
    )
    return await _grouped(db, statement, "subscription_id", subscription_ids)


async def lines_of_invoices(db: Database, invoice_ids: Sequence[int]) -> list[list[InvoiceLine]]:
    statement = (
        select(InvoiceLine).where(InvoiceLine.invoice_id.in_(invoice_ids)).order_by(InvoiceLine.id)
    )
    return await _grouped(db, statement, "invoice_id", invoice_ids)


@dataclass(frozen=True, slots=True)
class InvoicePosition:
    """Where an invoice stands in an account's newest-first list."""

    issued_at: datetime
    invoice_id: int


@dataclass(frozen=True, slots=True)
class InvoicePageRequest:
    account_id: int
    first: int
    after: InvoicePosition | None = None


@dataclass(frozen=True, slots=True)
class InvoicePage:
    invoices: list[Invoice]
    has_next_page: bool


async def invoice_pages(db: Database, requests: Sequence[InvoicePageRequest]) -> list[InvoicePage]:
    """Newest-first pages of several accounts' invoices. Requests that share `first` and
    `after` share one statement: the dashboard asks for every account's first page at once."""
    pages: dict[InvoicePageRequest, InvoicePage] = {}
    shapes: dict[tuple[int, InvoicePosition | None], list[int]] = defaultdict(list)
    for request in requests:
        shapes[request.first, request.after].append(request.account_id)
    for (first, after), account_ids in shapes.items():
        rows = await _newest_invoices(db, account_ids, first + 1, after)
        for account_id in account_ids:
            found = rows.get(account_id, [])
            request = InvoicePageRequest(account_id, first, after)
            pages[request] = InvoicePage(found[:first], len(found) > first)
    return [pages[request] for request in requests]


async def _newest_invoices(
    db: Database, account_ids: list[int], limit: int, after: InvoicePosition | None
) -> dict[int, list[Invoice]]:
    newest_first = (Invoice.issued_at.desc(), Invoice.id.desc())
    rank = sa.func.row_number().over(partition_by=Invoice.account_id, order_by=newest_first)
    inner = select(Invoice, rank.label("rank")).where(Invoice.account_id.in_(account_ids))
    if after is not None:
        inner = inner.where(
            sa.or_(
                Invoice.issued_at < after.issued_at,
                sa.and_(Invoice.issued_at == after.issued_at, Invoice.id < after.invoice_id),
            )
        )
    ranked = inner.subquery()
    statement = (
        select(sa.orm.aliased(Invoice, ranked))
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.account_id, ranked.c.rank)
    )
    async with db.session() as session:
        rows = (await session.exec(statement)).all()
    grouped: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in rows:
        grouped[invoice.account_id].append(invoice)
    return grouped
