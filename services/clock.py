"""The server's clock: the real one, or the contract's test clock that stands still."""

from datetime import UTC, datetime
from typing import Protocol

from services.errors import DomainError, ErrorCode


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class TestClock:
    """Starts at a given instant and moves only when told to, and only forward."""

    __test__ = False  # not a pytest test class

    def __init__(self, start: datetime):
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance_to(self, instant: datetime) -> datetime:
        instant = instant.astimezone(UTC)
        if instant < self._now:
            raise DomainError(
                ErrorCode.BAD_USER_INPUT,
                f"The test clock only moves forward; it is at {self._now.isoformat()}.",
                ("to",),
            )
        self._now = instant
        return instant
