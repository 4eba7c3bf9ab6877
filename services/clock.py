"""The server's clock: the real one, or the contract's test clock that stands still."""

from datetime import UTC, datetime, timedelta
from typing import Protocol

from services.errors import InvalidInput, Subject


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class TestClock:
    """Starts at a given instant and moves only when told to, only forward, and at most
    ten years at a time (billing catches up on every period it passes)."""

    __test__ = False  # not a pytest test class
    MAX_STEP = timedelta(days=3653)

    def __init__(self, start: datetime):
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance_to(self, instant: datetime) -> datetime:
        instant = instant.astimezone(UTC)
        if instant < self._now:
            raise InvalidInput(
                f"The test clock only moves forward; it is at {self._now.isoformat()}.",
                Subject.TEST_CLOCK,
            )
        if instant - self._now > self.MAX_STEP:
            raise InvalidInput(
                "The test clock moves at most ten years at a time.", Subject.TEST_CLOCK
            )
        self._now = instant
        return instant
