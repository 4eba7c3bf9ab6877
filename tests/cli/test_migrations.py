"""The migrations build exactly the tables the code declares. Each is one transaction,
on SQLite too: one that fails half-way leaves the schema as it was before it (proven
with a copy of our migrations plus a broken one)."""

import shutil

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from migrations.apply import SCRIPT_LOCATION, alembic_config, upgrade
from services.persistence.database import Database

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
BROKEN = '''"""Creates a table, adds a column, then fails."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "HEAD"


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("half_done", sa.Integer, nullable=True))
    op.execute("INSERT INTO no_such_table VALUES (1)")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def broken_scripts(tmp_path):
    scripts = tmp_path / "migrations"
    shutil.copytree(SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(BROKEN.replace('"HEAD"', f'"{HEAD}"'))
    return scripts


async def test_the_migrated_schema_is_the_declared_one(db):
    def differences(connection):
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with db.engine.connect() as connection:
        found = await connection.run_sync(differences)

    assert found == []


async def shape(db: Database) -> dict:
    """Every table with its columns, and the migrations applied."""

    def read(connection) -> dict:
        inspector = sa.inspect(connection)
        tables = {
            name: sorted(column["name"] for column in inspector.get_columns(name))
            for name in inspector.get_table_names()
        }
        versions = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
        return {"tables": tables, "applied": sorted(versions.scalars())}

    async with db.engine.connect() as connection:
        return await connection.run_sync(read)


@pytest.fixture
async def migrated(database_url, tmp_path):
    """A database at our latest migration: PostgreSQL's test database, or a new SQLite
    file (a half-applied migration there would outlive this test)."""
    if database_url.startswith("sqlite"):
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
    db = Database(database_url)
    await upgrade(db)
    yield db
    await db.dispose()


async def test_a_failing_migration_changes_nothing(migrated, broken_scripts):
    before = await shape(migrated)
    assert before["applied"] == [HEAD]

    with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
        await upgrade(migrated, script_location=broken_scripts)

    assert await shape(migrated) == before


async def test_migrating_a_new_database_keeps_the_migrations_before_the_failing_one(
    tmp_path, broken_scripts
):
    reference = Database(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}")
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    try:
        await upgrade(reference)

        with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
            await upgrade(fresh, script_location=broken_scripts)

        assert await shape(fresh) == await shape(reference)
    finally:
        await reference.dispose()
        await fresh.dispose()
