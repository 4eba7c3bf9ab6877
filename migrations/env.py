"""Alembic environment. `octopods migrate` hands us an open connection; the plain
`alembic` command line, given `-x url=…` or DATABASE_URL, opens its own."""

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import services.persistence.tables  # noqa: F401 - registers the tables
from services.persistence.database import async_url
from services.settings import DEFAULT_DATABASE_URL

target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )
    engine = create_async_engine(async_url(url))
    async with engine.begin() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `octopods migrate`.")

shared = context.config.attributes.get("connection")
if shared is not None:
    run_migrations(shared)
else:
    asyncio.run(run_with_own_engine())
