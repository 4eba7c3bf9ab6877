"""SQLite writers of this process take their turn in the order they came.

SQLite's busy handler has no queue: writers that meet the write lock sleep and poll it
again, and whoever polls at the right moment wins, so under load a few writers wait
many times longer than the rest. Here they wait on an asyncio.Lock instead, which wakes
its waiters first come, first served; only the writer at the head then asks SQLite for
the lock (BEGIN IMMEDIATE), where it meets only other processes' writers.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class WriteQueue:
    def __init__(self, timeout: float):
        # As long as a writer may wait for SQLite's lock (its busy timeout): past it the
        # writer is told the database is unavailable, as one that waited on SQLite is.
        self.timeout = timeout
        self.waiting = 0  # writers queued behind the one whose turn it is
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for this writer's turn, at most `timeout` (TimeoutError past it), and hold
        it until the block ends. A writer cancelled while waiting leaves its place."""
        self.waiting += 1
        try:
            async with asyncio.timeout(self.timeout):
                await self._turn.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._turn.release()
