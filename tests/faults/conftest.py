"""Faults against a PostgreSQL server of the tests' own (never the shared one): they stop
it, crash it, fill it and lock it. Slow, but run by CI like every other test."""

import asyncio

import pytest

from migrations.apply import upgrade
from services.persistence.database import Database
from tests.support.api import ApiFactory
from tests.support.own_postgres import own_postgres
from tests.support.snapshot import clean


@pytest.fixture(scope="module")
def own_pg():
    with own_postgres(max_connections=20) as server:
        asyncio.run(_migrate(server.url))
        yield server


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


@pytest.fixture
async def own_db(own_pg):
    """The own server's database, running and emptied before the test."""
    if not own_pg.running():
        own_pg.start()
    database = Database(own_pg.url)
    await clean(database)
    yield database
    await database.dispose()
    if not own_pg.running():
        own_pg.start()


@pytest.fixture
async def own_apis(own_db, own_pg):
    factory = ApiFactory(own_db, own_pg.url)
    yield factory
    await factory.close()


@pytest.fixture
async def sqlite_apis(tmp_path):
    """Servers on an SQLite file of the test's own."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'octopods.db'}"
    await _migrate(url)
    database = Database(url)
    factory = ApiFactory(database, url)
    yield factory
    await factory.close()
    await database.dispose()
