"""Whole-database snapshots, to show that a refused request wrote nothing."""

import sqlalchemy as sa
from sqlmodel import SQLModel

from services.persistence.database import Database


async def clean(db: Database) -> None:
    async with db.engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            await connection.execute(table.delete())


# Counts requests, not business data: a refused change still spends its token.
NOT_BUSINESS_DATA = {"rate_limit_buckets"}


async def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table of business data, in a stable order."""
    tables = {}
    async with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in NOT_BUSINESS_DATA:
                continue
            order = list(table.primary_key.columns)
            rows = (await connection.execute(sa.select(table).order_by(*order))).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables


async def count(db: Database, table_name: str) -> int:
    table = SQLModel.metadata.tables[table_name]
    async with db.engine.connect() as connection:
        return (
            await connection.execute(sa.select(sa.func.count()).select_from(table))
        ).scalar_one()
