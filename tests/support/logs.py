"""Log records as the server writes them: one JSON object per line (server.logs)."""

import json
import logging
from collections.abc import Iterable

from server.logs import JsonLines

INSTANCE = "under-test"
_WRITTEN = JsonLines(INSTANCE)


def written(records: Iterable[logging.LogRecord], logger: str | None = None) -> list[dict]:
    """The lines `records` make, of `logger` and its children only when given."""
    return [
        json.loads(_WRITTEN.format(record))
        for record in records
        if logger is None or record.name == logger or record.name.startswith(logger + ".")
    ]


def operations(records: Iterable[logging.LogRecord]) -> list[dict]:
    """The one line per GraphQL operation (schema.operation_log)."""
    return written(records, "octopods.requests")
