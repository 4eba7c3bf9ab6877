"""Catching the SQL statements an engine sends: the tests pin them against N+1 queries,
and the benchmark checks that its floor sends the server's own."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_COUNTED = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collects the data statements sent through `engine` (not BEGIN, COMMIT, PRAGMA)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(_COUNTED):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
