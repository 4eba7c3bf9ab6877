"""Live events out of committed transactions, to the subscribers of this process.

On PostgreSQL a transaction sends its events with NOTIFY, which the database delivers
at commit and never for a rollback, in commit order, to every instance that LISTENs:
each instance keeps one connection for that (`PostgresListener`) and hands what
arrives to its `Broadcaster`. SQLite has no NOTIFY; one process owns the file, and
events go straight to its broadcaster after the commit.
"""

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

import asyncpg
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel.ext.asyncio.session import AsyncSession

from services import metrics
from services.events import AccountEvent, EventKind

log = logging.getLogger("octopods.live")

CHANNEL = "octopods_account_events"
APPLICATION_NAME = "octopods-listener"  # how the listening connection shows in pg_stat_activity
_MAX_PAYLOAD = 7000  # NOTIFY takes under 8,000 bytes


async def notify(session: AsyncSession, events: Sequence[AccountEvent]) -> None:
    """Send `events` with the session's transaction (PostgreSQL)."""
    batch: list[dict] = []
    for event in events:
        batch.append(event.to_json())
        if len(json.dumps(batch)) > _MAX_PAYLOAD and len(batch) > 1:
            await _notify(session, batch[:-1])
            batch = batch[-1:]
    if batch:
        await _notify(session, batch)


async def _notify(session: AsyncSession, batch: list[dict]) -> None:
    payload = json.dumps(batch, separators=(",", ":"))
    await session.exec(sa.select(sa.func.pg_notify(CHANNEL, payload)))


class Stream:
    """One subscriber's events of one account, oldest first. At most `limit` wait: a
    reader that falls further behind gets one RESYNC instead of what it missed."""

    def __init__(self, account_id: int, limit: int, closed: Callable[["Stream"], None]):
        self.account_id = account_id
        self._queue: asyncio.Queue[AccountEvent | None] = asyncio.Queue(limit)
        self._closed = closed

    def offer(self, event: AccountEvent | None) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            while not self._queue.empty():
                self._queue.get_nowait()
            resync = AccountEvent(EventKind.RESYNC, self.account_id, datetime.now(UTC))
            self._queue.put_nowait(None if event is None else resync)

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    async def next(self) -> AccountEvent | None:
        """The next event; None once the stream is closed."""
        return await self._queue.get()

    def close(self) -> None:
        self._closed(self)


class Broadcaster:
    """Fans events out to the open streams of this process, by account."""

    def __init__(self, stream_limit: int = 256):
        self.stream_limit = stream_limit
        self._streams: dict[int, set[Stream]] = defaultdict(set)

    def open(self, account_id: int) -> Stream:
        stream = Stream(account_id, self.stream_limit, self._forget)
        self._streams[account_id].add(stream)
        metrics.stream_opened()
        return stream

    def _forget(self, stream: Stream) -> None:
        streams = self._streams.get(stream.account_id)
        if streams is not None and stream in streams:
            streams.discard(stream)
            metrics.stream_closed()
            if not streams:
                del self._streams[stream.account_id]

    @property
    def open_streams(self) -> int:
        return sum(len(streams) for streams in self._streams.values())

    def deliver(self, events: Iterable[AccountEvent]) -> None:
        for event in events:
            for stream in list(self._streams.get(event.account_id, ())):
                stream.offer(event)

    def resync_all(self) -> None:
        """Tell every stream it may have missed events."""
        now = datetime.now(UTC)
        for account_id, streams in list(self._streams.items()):
            for stream in list(streams):
                stream.offer(AccountEvent(EventKind.RESYNC, account_id, now))

    def close_all(self) -> None:
        for streams in list(self._streams.values()):
            for stream in list(streams):
                stream.offer(None)


class PostgresListener:
    """LISTENs on a connection of its own, reconnecting with backoff when it drops;
    after a gap, every stream is told to read afresh (RESYNC)."""

    PING_SECONDS = 10.0

    def __init__(self, url: str, broadcaster: Broadcaster):
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.broadcaster = broadcaster
        self.connected = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="octopods-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _received(self, _connection, _pid, _channel, payload: str) -> None:
        try:
            events = [AccountEvent.from_json(values) for values in json.loads(payload)]
        except (ValueError, TypeError, KeyError):
            log.warning("ignored a malformed notification on %s", CHANNEL)
            return
        self.broadcaster.deliver(events)

    async def _run(self) -> None:
        delay, gap = 0.1, False
        while True:
            try:
                await self._listen(gap)
            except Exception as error:  # noqa: BLE001 - the listener must outlive any failure
                log.warning("live updates: lost the database (%r); reconnecting", error)
            else:
                delay = 0.1  # it had connected: start the backoff again
            self.connected.clear()
            gap = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _listen(self, after_gap: bool) -> None:
        connection = await asyncpg.connect(
            self.dsn, timeout=5, server_settings={"application_name": APPLICATION_NAME}
        )
        try:
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(CHANNEL, self._received)
            if after_gap:
                self.broadcaster.resync_all()
                log.info("live updates: listening again")
            self.connected.set()
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), self.PING_SECONDS)
                if not lost.is_set():
                    await connection.fetchval("SELECT 1", timeout=5)
        finally:
            with contextlib.suppress(Exception):
                await connection.close(timeout=1)
