"""The database handle: short read sessions, and write transactions that serialise.

Writers take the lock that matters before they read what they will change: a row lock
(SELECT … FOR UPDATE) on PostgreSQL, and on SQLite, which has no row locks,
BEGIN IMMEDIATE, which takes the database's write lock at the start. SQLite writers of
one process first queue in it (services.persistence.write_queue), in the order they came,
so that only one of them at a time waits on SQLite's lock.

When the database cannot answer (down, restarting, full, a lock or statement past its
timeout) the error is one `is_unavailable` recognises: the request can be tried again
later, and nothing of a transaction that did not commit was written.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from sqlalchemy import event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from services.events import pending
from services.persistence.notify import Broadcaster, PostgresListener, notify
from services.persistence.write_queue import WriteQueue
from services.settings import DatabaseLimits

_WRITE = "octopods_write"

# SQLSTATE classes and codes that mean "not now" rather than "not this": connection
# exceptions, insufficient resources (max_connections), operator intervention (shutdown,
# statement timeout), and a lock not granted within lock_timeout.
_UNAVAILABLE_CLASSES = ("08", "53", "57")
_UNAVAILABLE_CODES = ("55P03",)
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk i/o error")


class CommitInDoubt(Exception):
    """The database went away while committing: the change may or may not be stored."""


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the database cannot answer now."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _says_unavailable(current):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _says_unavailable(error: BaseException) -> bool:
    if isinstance(error, (CommitInDoubt, exc.TimeoutError, OSError, TimeoutError)):
        return True  # the pool's wait, a refused or broken connection
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(state, str):
        return state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_CODES
    message = str(error).lower()
    if "connection is closed" in message or "connection was closed" in message:
        return True
    return type(error).__name__ == "OperationalError" and message.startswith(_SQLITE_UNAVAILABLE)


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


def _prepare_sqlite(engine, lock_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # We emit BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={lock_timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection) -> None:
        # Reads run each statement on its own (SQLite's autocommit), saving a round
        # trip to the driver's thread; writers take the write lock up front.
        if connection.get_execution_options().get(_WRITE, False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _server_settings(driver: str, limits: DatabaseLimits) -> dict:
    """Timeouts PostgreSQL enforces itself, so a stuck lock or statement ends there."""
    settings = {
        "statement_timeout": str(int(limits.statement_timeout * 1000)),
        "lock_timeout": str(int(limits.lock_timeout * 1000)),
    }
    connect_timeout = max(1, round(limits.pool_timeout))
    if driver == "asyncpg":
        return {"server_settings": settings, "timeout": connect_timeout}
    options = " ".join(f"-c {name}={value}" for name, value in settings.items())
    return {"options": options, "connect_timeout": connect_timeout}


def _drop_closed_connections(engine) -> None:
    """A pooled connection whose server has gone (a restart, a crash) is replaced at
    checkout. asyncpg notices the server closing the socket as it happens, so this
    costs no round trip, unlike the pool's pre-ping (three on asyncpg)."""

    @event.listens_for(engine.sync_engine, "checkout")
    def on_checkout(_dbapi_connection, record, _proxy) -> None:
        driver_connection = record.driver_connection
        if driver_connection is not None and driver_connection.is_closed():
            # Every connection opened before this one is from before the restart too.
            raise exc.InvalidatePoolError()


class Database:
    def __init__(self, url: str, *, echo: bool = False, limits: DatabaseLimits | None = None):
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        limits = limits or DatabaseLimits()
        options: dict = {"echo": echo}
        # The pool's bounds hold on SQLite too. SQLAlchemy's own (5, and 10 more that are
        # closed as soon as they are returned) made a busy server open and close a
        # connection per request past the fifth: a thread, the file, four PRAGMAs each.
        pool = {
            "pool_size": limits.pool_size,
            "max_overflow": limits.max_overflow,
            "pool_timeout": limits.pool_timeout,
        }
        if self.is_sqlite:
            options["connect_args"] = {"timeout": limits.lock_timeout}
            if make_url(self.url).database not in (None, "", ":memory:"):
                options.update(pool)  # an in-memory database has a single connection
        else:
            options.update(
                pool,
                pool_recycle=1800,
                connect_args=_server_settings(make_url(self.url).get_driver_name(), limits),
            )
        self.engine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            _prepare_sqlite(self.engine, int(limits.lock_timeout * 1000))
        elif self.engine.dialect.driver == "asyncpg":
            _drop_closed_connections(self.engine)
        self._writer = self.engine.execution_options(**{_WRITE: True})
        # PostgreSQL's row locks let writers to different accounts run at once; SQLite
        # has one write lock for the whole database, so its writers queue for it here.
        self.writers = WriteQueue(limits.lock_timeout) if self.is_sqlite else None
        # Live events of committed transactions, for this process's subscribers.
        self.events = Broadcaster()
        self._listener: PostgresListener | None = None

    def session(self) -> AsyncSession:
        """A session for reading; use it as `async with db.session() as session:`."""
        return AsyncSession(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction on a bare connection (SQLAlchemy Core, no session): queued
        and BEGIN IMMEDIATE on SQLite as for `transaction`, but no events go out."""
        async with self._turn(), self._writer.begin() as connection:
            yield connection

    def migrating(self) -> AsyncConnection:
        """A connection whose transactions take the write lock, like a writer's: on
        SQLite BEGIN IMMEDIATE is what makes a migration's DDL one transaction."""
        return self._writer.connect()

    async def rows(self, statement) -> list:
        """The rows of a read. A read that meets a connection the server dropped since
        checkout is run once more on a fresh one: a read has no effect to repeat."""
        for attempt in (1, 2):
            try:
                async with self.engine.connect() as connection:
                    return (await connection.execute(statement)).all()
            except exc.DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed on success, rolled back on any exception.
        Its events (services.events) go out with its commit. Writes are never retried
        here; a client retries them with its idempotency key."""
        session = AsyncSession(self._writer, expire_on_commit=False)
        committing = False
        try:
            async with self._turn(), session, session.begin():
                yield session
                events = pending(session)
                if events and not self.is_sqlite:
                    await notify(session, events)
                committing = True
        except Exception as error:
            if committing and is_unavailable(error):
                raise CommitInDoubt("the database went away while committing") from error
            raise
        if events and self.is_sqlite:
            self.events.deliver(events)

    def _turn(self):
        """This writer's turn in the process's queue (SQLite), or nothing to wait for."""
        return self.writers.turn() if self.writers is not None else nullcontext()

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
