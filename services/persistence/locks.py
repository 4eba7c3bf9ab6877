"""The locks a change takes before it reads what it will change.

An account's lock is the row locks of all its subscriptions, taken in id order by one
statement: billing and every change of the account take it first, so invoice numbers
follow invoice dates and a change never races the billing of its own subscription.
SQLite has no row locks: there every write transaction starts with BEGIN IMMEDIATE,
which takes the database's write lock (services.persistence.database), and FOR UPDATE
is left out of the SQL.
"""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.persistence.records import SubscriptionRecord, select_records
from services.persistence.tables import Subscription


async def lock_account(session: AsyncSession, account_id: int) -> list[Subscription]:
    """The account's subscriptions, oldest first, locked until the transaction ends."""
    statement = (
        select(Subscription)
        .where(Subscription.account_id == account_id)
        .order_by(Subscription.id)
        .with_for_update()
    )
    return list((await session.exec(statement)).all())


async def lock_account_of(session: AsyncSession, subscription_id: int) -> list[Subscription]:
    """The subscriptions of the account that holds `subscription_id`, locked as above;
    empty if there is no such subscription."""
    return list((await session.exec(_account_of(select(Subscription), subscription_id))).all())


async def lock_account_records_of(
    session: AsyncSession, subscription_id: int
) -> list[SubscriptionRecord]:
    """`lock_account_of`, the same statement, read as plain records: nothing enters the
    session, for a change that writes its rows itself."""
    connection = await session.connection()
    statement = _account_of(select_records(Subscription), subscription_id)
    return [SubscriptionRecord._make(row) for row in await connection.execute(statement)]


def _account_of(statement, subscription_id: int):
    account_id = select(Subscription.account_id).where(Subscription.id == subscription_id)
    return (
        statement.where(Subscription.account_id == account_id.scalar_subquery())
        .order_by(Subscription.id)
        .with_for_update()
    )
