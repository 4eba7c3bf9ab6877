"""Log lines: one JSON object per line, whoever writes it (ours, uvicorn's, Alembic's),
with the request id of the request it belongs to and the instance that wrote it, so a
request's story can be pulled out of many instances' logs with one filter."""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# Set by server.middleware.RequestId for everything that runs for one request.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_plain_record = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    """Stamped when written, not when formatted: a handler may format it later, and
    elsewhere (a test's capture, a queue)."""
    record = _plain_record(*args, **kwargs)
    request_id = REQUEST_ID.get()
    if request_id is not None:
        record.request_id = request_id
    return record


logging.setLogRecordFactory(_record_with_request_id)


class JsonLines(logging.Formatter):
    def __init__(self, instance: str | None = None):
        super().__init__()
        self.instance = instance

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry = {
            "time": when.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # The request id, and what the caller passed as `extra=` (a structured event).
        entry |= {k: v for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES}
        if self.instance:
            entry.setdefault("instance", self.instance)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, instance: str | None = None) -> None:
    """Every logger of the process writes JSON lines to standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines(instance))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
