"""Counting the SQL statements an operation sends, to pin them against N+1 queries."""

from contextlib import contextmanager

from sqlalchemy import event

_COUNTED = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def statements(engine):
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
