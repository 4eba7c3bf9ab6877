"""Rate limits: each user has a bucket per kind of request (changes, previews) that
holds up to `burst` tokens and refills at `per_second`; a request takes one, and
with none left it is refused with the seconds until the next one.

On PostgreSQL the buckets live in the database, so every instance shares them: one
atomic statement refills and takes, on the database's clock. An SQLite file belongs to
one process, so there the buckets live in that process.
"""

import math
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from services.errors import RateLimited
from services.persistence.database import Database
from services.persistence.tables import RateLimitBucket
from services.settings import RateLimits


class Kind(StrEnum):
    CHANGES = "changes"
    PREVIEWS = "previews"


@dataclass(frozen=True, slots=True)
class Bucket:
    tokens: float
    refilled_at: float  # seconds, on the clock that refills it

    @classmethod
    def full(cls, limits: RateLimits, now: float) -> "Bucket":
        return cls(float(limits.burst), now)

    def take(self, limits: RateLimits, now: float) -> tuple["Bucket", bool]:
        """The bucket after a request at `now`, and whether the request got a token."""
        elapsed = max(0.0, now - self.refilled_at)
        tokens = min(float(limits.burst), self.tokens + elapsed * limits.per_second)
        if tokens >= 1:
            return Bucket(tokens - 1, now), True
        return Bucket(tokens, now), False


def seconds_until_a_token(tokens: float, limits: RateLimits) -> int:
    return max(1, math.ceil((1 - tokens) / limits.per_second))


def refusal(kind: Kind, tokens: float, limits: RateLimits) -> RateLimited:
    wait = seconds_until_a_token(tokens, limits)
    return RateLimited(
        f"Too many {kind.value} in a short time: at most {limits.burst} at once and "
        f"{limits.per_second:g} a second. Try again in {wait} s.",
        retry_after=wait,
    )


class RateLimiter(Protocol):
    async def take(self, user_id: int, kind: Kind) -> None:
        """Take a token for this request, or raise RateLimited."""


class Unlimited:
    async def take(self, user_id: int, kind: Kind) -> None:
        return None


class InProcessBuckets:
    """For a database only this process writes to (an SQLite file)."""

    def __init__(self, limits: RateLimits):
        self.limits = limits
        self._buckets: dict[tuple[int, Kind], Bucket] = {}

    async def take(self, user_id: int, kind: Kind) -> None:
        now = time.monotonic()
        bucket = self._buckets.get((user_id, kind)) or Bucket.full(self.limits, now)
        bucket, taken = bucket.take(self.limits, now)
        self._buckets[user_id, kind] = bucket
        if not taken:
            raise refusal(kind, bucket.tokens, self.limits)


class SharedBuckets:
    """Buckets in PostgreSQL, shared by every instance: the rule of `Bucket.take` in
    one INSERT … ON CONFLICT DO UPDATE, which the row lock makes atomic."""

    def __init__(self, db: Database, limits: RateLimits):
        self.db = db
        self.limits = limits
        table = RateLimitBucket.__table__
        now = sa.cast(sa.extract("epoch", sa.func.now()), sa.Float)
        burst = sa.literal(float(limits.burst), sa.Float)
        elapsed = sa.func.greatest(0.0, now - table.c.refilled_at)
        refilled = sa.func.least(burst, table.c.tokens + elapsed * limits.per_second)
        self._statement = (
            postgresql.insert(table)
            .values(
                user_id=sa.bindparam("user_id"),
                kind=sa.bindparam("kind"),
                tokens=burst - 1,
                refilled_at=now,
                taken=True,
            )
            .on_conflict_do_update(
                index_elements=[table.c.user_id, table.c.kind],
                set_={
                    "tokens": sa.case((refilled >= 1, refilled - 1), else_=refilled),
                    "refilled_at": now,
                    "taken": refilled >= 1,
                },
            )
            .returning(table.c.tokens, table.c.taken)
        )

    async def take(self, user_id: int, kind: Kind) -> None:
        async with self.db.engine.begin() as connection:
            result = await connection.execute(
                self._statement, {"user_id": user_id, "kind": kind.value}
            )
            tokens, taken = result.one()
        if not taken:
            raise refusal(kind, tokens, self.limits)


def rate_limiter(db: Database, limits: RateLimits) -> RateLimiter:
    if not limits.enabled:
        return Unlimited()
    if db.is_sqlite:
        return InProcessBuckets(limits)
    return SharedBuckets(db, limits)


async def forget_idle(db: Database, limits: RateLimits, idle_seconds: float = 3600) -> int:
    """Drop buckets untouched for a long while (they would be full again anyway)."""
    if db.is_sqlite or not limits.enabled:
        return 0
    table = RateLimitBucket.__table__
    now = sa.cast(sa.extract("epoch", sa.func.now()), sa.Float)
    async with db.engine.begin() as connection:
        result = await connection.execute(
            sa.delete(table).where(table.c.refilled_at < now - idle_seconds)
        )
    return result.rowcount
