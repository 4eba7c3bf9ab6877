"""The migrations build exactly the tables the code declares, and upgrade in place."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel


async def test_the_migrated_schema_is_the_declared_one(db):
    def differences(connection):
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with db.engine.connect() as connection:
        found = await connection.run_sync(differences)

    assert found == []
