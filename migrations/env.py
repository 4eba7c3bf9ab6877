"""Alembic environment. `octopods migrate` hands us an open connection; the plain
`alembic` command line, given `-x url=…` or DATABASE_URL, opens its own the same way.

Each migration runs in its own transaction, on SQLite too: the connection comes from
Database.migrating(), whose transactions begin with BEGIN IMMEDIATE (the driver itself
would commit each DDL statement on its own), and no transaction is open when Alembic
starts, so it begins one per migration.
"""

import asyncio
import os

from alembic import context
from sqlmodel import SQLModel

import services.persistence.tables  # noqa: F401 - registers the tables
from services.persistence.database import Database
from services.settings import DEFAULT_DATABASE_URL

target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )
    db = Database(url)
    try:
        async with db.migrating() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await db.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `octopods migrate`.")

shared = context.config.attributes.get("connection")
if shared is not None:
    run_migrations(shared)
else:
    asyncio.run(run_with_own_engine())
