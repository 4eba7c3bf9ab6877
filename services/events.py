"""What happened to an account, for the clients watching it live (SPEC §11).

A change records its events in its own transaction; they go out only once it commits
(services.persistence.notify), and carry ids only: each subscriber reads what they
name under its own permissions.
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

PENDING = "octopods_pending_events"  # the session's info key


class EventKind(StrEnum):
    QUANTITY_CHANGED = "QUANTITY_CHANGED"
    SUBSCRIBED = "SUBSCRIBED"
    TRIAL_CONVERTED = "TRIAL_CONVERTED"
    INVOICE_ISSUED = "INVOICE_ISSUED"
    CHANNEL_CONNECTED = "CHANNEL_CONNECTED"
    CHANNEL_DISCONNECTED = "CHANNEL_DISCONNECTED"
    # Events may have been missed (a lost connection, a slow reader): read afresh.
    RESYNC = "RESYNC"


@dataclass(frozen=True, slots=True)
class AccountEvent:
    kind: EventKind
    account_id: int
    at: datetime
    subscription_id: int | None = None
    invoice_id: int | None = None
    channel_id: int | None = None

    def to_json(self) -> dict:
        return {**asdict(self), "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, values: dict) -> "AccountEvent":
        return cls(
            **{
                **values,
                "kind": EventKind(values["kind"]),
                "at": datetime.fromisoformat(values["at"]),
            }
        )


def record(session: AsyncSession, event: AccountEvent) -> None:
    """Announce `event` once the session's transaction commits; never if it rolls back."""
    session.info.setdefault(PENDING, []).append(event)


def announce(session: AsyncSession, kind: EventKind, subscription, at: datetime, **ids) -> None:
    """Record `kind` about `subscription` (anything with an `id` and an `account_id`)."""
    record(
        session,
        AccountEvent(kind, subscription.account_id, at, subscription_id=subscription.id, **ids),
    )


def pending(session: AsyncSession) -> list[AccountEvent]:
    return session.info.get(PENDING, [])
