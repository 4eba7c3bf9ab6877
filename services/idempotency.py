"""Idempotency keys, after Stripe's: for one user, a key names one change. A repeat
with the same input gets the first outcome back and changes nothing; with another
input it is refused. The key is claimed in the same transaction as the change, so a
refused change leaves no key behind and concurrent duplicates queue on the key's
primary key: the first commits, the others then find its outcome."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services import metrics
from services.errors import InvalidInput, Reason, Refused, Subject
from services.persistence.database import Database
from services.persistence.tables import IdempotencyKey

MAX_KEY_LENGTH = 255


class Operation(StrEnum):
    """The changes a key can name."""

    CHANGE_QUANTITY = "change_quantity"
    SUBSCRIBE_PRODUCT = "subscribe_product"
    CONNECT_CHANNEL = "connect_channel"
    DISCONNECT_CHANNEL = "disconnect_channel"


# Keys stored before 2026-11-30 were fingerprinted under the API's operation names and
# these inputs. They expire a day after that upgrade; then this can go.
_LEGACY_INPUTS = {
    "updateQuantity": ("subscription_id", "quantity", "expected_quantity"),
    "subscribeProduct": ("account_id", "plan_code", "quantity"),
}


def fingerprint(operation: str, inputs: Mapping[str, object]) -> str:
    canonical = json.dumps({"operation": operation, **inputs}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    user_id: int
    key: str
    operation: Operation
    inputs: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(
        cls, user_id: int, key: str | None, operation: Operation, **inputs
    ) -> "IdempotentRequest | None":
        """None without a key; InvalidInput for a key of the wrong length."""
        if key is None:
            return None
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise InvalidInput(
                f"The idempotency key must be 1 to {MAX_KEY_LENGTH} characters; got {len(key)}.",
                Subject.IDEMPOTENCY_KEY,
            )
        if "\x00" in key:  # no database stores it in text
            raise InvalidInput(
                "The idempotency key cannot hold a NUL character.", Subject.IDEMPOTENCY_KEY
            )
        return cls(user_id, key, operation, inputs)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.operation, self.inputs)

    def repeats(self, stored: IdempotencyKey) -> bool:
        """Whether `stored` was made by this same request."""
        legacy = _LEGACY_INPUTS.get(stored.operation)
        if legacy is None:
            return stored.fingerprint == self.fingerprint
        inputs = {name: self.inputs.get(name) for name in legacy}
        return stored.fingerprint == fingerprint(stored.operation, inputs)


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(IdempotencyKey)


async def claim(
    session: AsyncSession, request: IdempotentRequest, now: datetime, retention: timedelta
) -> dict | None:
    """Claim the key for this transaction (None), or return the outcome stored by the
    change that claimed it first. A key older than `retention` counts as unused."""
    key = (IdempotencyKey.user_id == request.user_id, IdempotencyKey.key == request.key)
    # Plain SQL on the session's connection: no entity of these rows is in the session,
    # so the ORM's bulk-statement setup (which would look for them) is skipped. What the
    # transaction wrote before (a billing) goes first, as the ORM's autoflush would.
    await session.flush()
    connection = await session.connection()
    await connection.execute(
        sa.delete(IdempotencyKey).where(*key, IdempotencyKey.created_at < now - retention)
    )
    statement = (
        _insert(session.bind.dialect.name)
        .values(
            user_id=request.user_id,
            key=request.key,
            operation=request.operation,
            fingerprint=request.fingerprint,
            outcome="",
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.key)
    )
    if (await connection.execute(statement)).first() is not None:
        return None
    stored = (await session.exec(select(IdempotencyKey).where(*key))).one()
    if not request.repeats(stored):
        raise Refused(
            Reason.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different request; use a new key.",
            Subject.IDEMPOTENCY_KEY,
        )
    metrics.replayed(request.operation.value)
    return json.loads(stored.outcome)


async def remember(session: AsyncSession, request: IdempotentRequest, outcome: dict) -> None:
    """Store what the claimed change produced, in its own transaction (after what the
    change wrote, as the ORM's autoflush would order it; as plain SQL, as in claim)."""
    await session.flush()
    connection = await session.connection()
    await connection.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.user_id == request.user_id, IdempotencyKey.key == request.key)
        .values(outcome=json.dumps(outcome))
    )


async def purge(db: Database, now: datetime, retention: timedelta) -> int:
    """Forget keys older than `retention`; returns how many."""
    async with db.transaction() as session:
        result = await session.exec(
            sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - retention)
        )
        return result.rowcount
