"""Live updates run against real `octopods serve` processes on the test's database."""

from collections.abc import AsyncIterator, Callable

import pytest
from sqlmodel import select

from services.auth import issue_token
from services.demo import seed
from services.persistence.tables import User
from services.settings import parse_instant
from tests.support.api import SECRET
from tests.support.processes import ServerProcess

CLOCK = "2026-11-15T12:00:00Z"


@pytest.fixture
async def tokens(db) -> Callable:
    async def token(email: str) -> str:
        async with db.session() as session:
            user = (await session.exec(select(User).where(User.email == email))).one()
        return issue_token(SECRET, user.id)

    return token


@pytest.fixture
async def instances(db, database_url, tmp_path) -> AsyncIterator[Callable]:
    """Start instances on the test's database: `await instances(seed=True, clock=...)`."""
    started: list[ServerProcess] = []

    async def start(
        *, seeded: bool = False, clock: str | None = CLOCK, arguments: tuple = (), **env
    ) -> ServerProcess:
        if seeded:
            await seed(db, parse_instant(clock or CLOCK))
        log = tmp_path / f"instance-{len(started)}.log"
        server = ServerProcess(database_url, log, clock=clock, arguments=arguments, **env)
        started.append(server)
        return await server.start()

    yield start
    for server in started:
        await server.stop()
