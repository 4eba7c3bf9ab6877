"""The database handle: short read sessions, and write transactions that serialise.

Writers take the lock that matters before they read what they will change: a row lock
(SELECT … FOR UPDATE) on PostgreSQL, and on SQLite, which has no row locks,
BEGIN IMMEDIATE, which takes the database's write lock at the start.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from services.events import pending
from services.persistence.notify import Broadcaster, PostgresListener, notify

_WRITE = "octopods_write"


def async_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver for each."""
    parsed = make_url(url)
    driver = {
        "sqlite": "sqlite+aiosqlite",
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
        "postgresql+psycopg2": "postgresql+psycopg",
    }.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _prepare_sqlite(engine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # We emit BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection) -> None:
        # Reads run each statement on its own (SQLite's autocommit), saving a round
        # trip to the driver's thread; writers take the write lock up front.
        if connection.get_execution_options().get(_WRITE, False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str, *, echo: bool = False):
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        options: dict = {"echo": echo}
        if self.is_sqlite:
            options["connect_args"] = {"timeout": 30}
        else:
            # No pre-ping: it costs a round trip per checkout; a connection found dead
            # fails its request and the pool replaces it.
            options.update(pool_size=10, max_overflow=20, pool_recycle=1800)
        self.engine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
        self._writer = self.engine.execution_options(**{_WRITE: True})
        # Live events of committed transactions, for this process's subscribers.
        self.events = Broadcaster()
        self._listener: PostgresListener | None = None

    def session(self) -> AsyncSession:
        """A session for reading; use it as `async with db.session() as session:`."""
        return AsyncSession(self.engine, expire_on_commit=False)

    def migrating(self) -> AsyncConnection:
        """A connection whose transactions take the write lock, like a writer's: on
        SQLite BEGIN IMMEDIATE is what makes a migration's DDL one transaction."""
        return self._writer.connect()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed on success, rolled back on any exception.
        The events it recorded (services.events) go out with its commit."""
        session = AsyncSession(self._writer, expire_on_commit=False)
        async with session, session.begin():
            yield session
            events = pending(session)
            if events and not self.is_sqlite:
                await notify(session, events)
        if events and self.is_sqlite:
            self.events.deliver(events)

    async def listen(self) -> None:
        """Receive the events every instance commits (PostgreSQL); SQLite needs nothing."""
        if not self.is_sqlite and self._listener is None:
            self._listener = PostgresListener(self.url, self.events)
            self._listener.start()

    @asynccontextmanager
    async def alone(self, work: str) -> AsyncIterator[bool]:
        """Whether this instance may do `work` with no other instance doing it at the same
        time (a PostgreSQL advisory lock, held until the block ends). SQLite is one
        process's: always True."""
        if self.is_sqlite:
            yield True
            return
        key = int.from_bytes(hashlib.sha256(work.encode()).digest()[:8], "big", signed=True)
        async with self.engine.connect() as connection:
            taken = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            try:
                yield bool(taken)
            finally:
                if taken:
                    await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False
        return True

    async def dispose(self) -> None:
        self.events.close_all()
        if self._listener is not None:
            await self._listener.stop()
        await self.engine.dispose()
