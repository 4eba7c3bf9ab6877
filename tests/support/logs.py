"""Log records as the server writes them: one JSON object per line (server.logs)."""

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


# A request's own records, for holding two servers' lines to each other (tests/support/
# api.py). Filters on our loggers see each record as it is made, in the request's context.
_LOGGERS = ("octopods", "octopods.requests", "octopods.errors", "octopods.planned")
_TAKING: ContextVar["Taken | None"] = ContextVar("taken_log_records", default=None)
_OPERATIONS = logging.getLogger("octopods.requests")
_raised = 0  # requests taking records now, which need octopods.requests at INFO
_level_before = _shown_from = logging.NOTSET


class Taken:
    """The records one request makes; `hidden` ones reach no handler (a twin's)."""

    def __init__(self, hidden: bool, operations_shown_from: int):
        self.hidden = hidden
        self.operations_shown_from = operations_shown_from
        self.records: list[logging.LogRecord] = []

    def lines(self) -> list[dict]:
        return written(self.records)


def _take(record: logging.LogRecord) -> bool:
    taken = _TAKING.get()
    if taken is None:
        return True
    taken.records.append(record)
    if taken.hidden:
        return False
    # Lines made at INFO only for the comparison reach handlers as they would have.
    return record.name != _OPERATIONS.name or record.levelno >= taken.operations_shown_from


def _install() -> None:
    """Our loggers (all made when their modules load) hand their records to `_take`."""
    made = (n for n in logging.Logger.manager.loggerDict if n.startswith("octopods."))
    names = {*_LOGGERS, *made}
    for name in names:
        logger = logging.getLogger(name)
        if _take not in logger.filters:
            logger.addFilter(_take)


@contextmanager
def taken(*, hidden: bool) -> Iterator[Taken]:
    """The records of what runs inside (this task and those it starts), with every
    operation line made even where its logger's level would have left it out."""
    global _raised, _level_before, _shown_from
    _install()
    if _raised == 0:
        _level_before, _shown_from = _OPERATIONS.level, _OPERATIONS.getEffectiveLevel()
        if _shown_from > logging.INFO:
            _OPERATIONS.setLevel(logging.INFO)
    _raised += 1
    record = Taken(hidden, _shown_from)
    token = _TAKING.set(record)
    try:
        yield record
    finally:
        _TAKING.reset(token)
        _raised -= 1
        if _raised == 0:
            _OPERATIONS.setLevel(_level_before)
