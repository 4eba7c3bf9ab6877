"""Every test that needs a database runs on SQLite and on PostgreSQL.

PostgreSQL comes from OCTOPODS_TEST_POSTGRES_URL (default: the local server). Where it
is unreachable its tests are skipped, unless OCTOPODS_TEST_REQUIRE_POSTGRES=1 (CI),
which makes that a failure. The suite owns that database: it resets its schema.

Every test that starts the app (`apis`, `api`) runs on both execution paths as well:
`planned` (schema/planned.py, with a generic twin that must answer every query the
same: tests/support/api.py) and `generic`. `@pytest.mark.execution_path("planned")`
pins a test to the paths it names; `@pytest.mark.no_twin` leaves the twin out where
its requests would be seen (the process's metrics).
"""

import asyncio
import os

import pytest
import sqlalchemy as sa

from migrations.apply import upgrade
from services.persistence.database import Database
from tests.support.api import PATHS, ApiFactory
from tests.support.snapshot import clean

POSTGRES_URL = os.environ.get(
    "OCTOPODS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("OCTOPODS_TEST_REQUIRE_POSTGRES") == "1"


async def _reset_and_migrate(url: str) -> None:
    db = Database(url)
    try:
        if not db.is_sqlite:
            async with db.engine.begin() as connection:
                await connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                await connection.execute(sa.text("CREATE SCHEMA public"))
        await upgrade(db)
    finally:
        await db.dispose()


async def _reachable(url: str) -> bool:
    db = Database(url)
    try:
        return await db.ping()
    finally:
        await db.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'octopods.db'}"
    else:
        url = POSTGRES_URL
        if not asyncio.run(_reachable(url)):
            message = f"PostgreSQL unreachable at {url}"
            if REQUIRE_POSTGRES:
                pytest.fail(message)
            pytest.skip(message)
    asyncio.run(_reset_and_migrate(url))
    return url


@pytest.fixture
async def db(database_url):
    """The test's database, emptied before the test."""
    database = Database(database_url)
    await clean(database)
    yield database
    await database.dispose()


def pytest_generate_tests(metafunc):
    if "execution_path" in metafunc.fixturenames:
        pinned = metafunc.definition.get_closest_marker("execution_path")
        paths = pinned.args if pinned else PATHS
        metafunc.parametrize("execution_path", paths, indirect=True)


@pytest.fixture
def execution_path(request) -> str:
    return request.param


@pytest.fixture
async def apis(db, database_url, execution_path, request):
    """Start servers on the test's database: `await apis.start(clock=..., seed=True)`."""
    twins = request.node.get_closest_marker("no_twin") is None
    factory = ApiFactory(db, database_url, execution_path, twins=twins)
    yield factory
    await factory.close()


@pytest.fixture
async def api(apis):
    """A server whose test clock stands at 2026-11-15T12:00Z, with the demo data."""
    return await apis.start(clock="2026-11-15T12:00:00Z", seed=True)


@pytest.fixture
def steps_made(monkeypatch) -> list[list[str]]:
    """The schema extensions made for each operation Strawberry runs, by class name,
    from now on (a trusted query on the fast lane makes none: schema/fast_lane.py)."""
    from schema import BillingSchema

    made: list[list[str]] = []
    original = BillingSchema.get_extensions

    def recorded(self, sync: bool = False):
        extensions = original(self, sync)
        made.append([type(extension).__name__ for extension in extensions])
        return extensions

    monkeypatch.setattr(BillingSchema, "get_extensions", recorded)
    return made
