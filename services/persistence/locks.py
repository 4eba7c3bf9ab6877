"""The locks a change takes before it reads what it will change.

A row lock (SELECT … FOR UPDATE) on PostgreSQL. SQLite has no row locks: there every
write transaction starts with BEGIN IMMEDIATE, which takes the database's write lock
(services.persistence.database), and FOR UPDATE is left out of the SQL.
"""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.persistence.tables import Subscription


async def lock_subscription(session: AsyncSession, subscription_id: int) -> Subscription | None:
    """A subscription read for changing it, locked until the transaction ends."""
    statement = select(Subscription).where(Subscription.id == subscription_id).with_for_update()
    return (await session.exec(statement)).first()
