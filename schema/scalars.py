"""DateTime as the clients expect it: ISO 8601 in UTC, written with a trailing Z."""

from datetime import UTC, datetime

import strawberry

from services.settings import parse_instant


def serialize_instant(value: datetime) -> str:
    """What a DateTime field answers; the benchmark's hand-written floor uses it too."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO 8601 string, e.g. 2026-12-01T00:00:00Z")
    try:
        return parse_instant(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z"
        ) from None


DateTime = strawberry.scalar(
    name="DateTime",
    description="An instant, ISO 8601 in UTC (2026-12-01T00:00:00Z). Without a zone, UTC.",
    serialize=serialize_instant,
    parse_value=_parse,
)

SCALAR_OVERRIDES = {datetime: DateTime}
