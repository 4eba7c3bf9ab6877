"""The stored records. Relationships are loaded explicitly (batch loaders), never lazily."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.billing.cycle import BillingState, SubscriptionStatus
from services.billing.invoices import InvoiceLineKind
from services.billing.periods import trial_ends_at
from services.catalog import Plan, PlanCode
from services.permissions import Role
from services.persistence.columns import Cents, UTCDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ChangeAction(StrEnum):
    SUBSCRIBED = "SUBSCRIBED"
    QUANTITY_CHANGED = "QUANTITY_CHANGED"
    CHANNEL_CONNECTED = "CHANNEL_CONNECTED"
    CHANNEL_DISCONNECTED = "CHANNEL_DISCONNECTED"


def _enum(enum: type) -> sa.Enum:
    # Stored as plain text so adding a value never needs a type migration.
    return sa.Enum(enum, native_enum=False, length=32, validate_strings=True)


def _instant(**kwargs) -> object:
    return Field(sa_type=UTCDateTime(), **kwargs)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)


class Account(SQLModel, table=True):
    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Invoice numbers are "<invoice_prefix>-<sequence>"; the prefix is unique per account.
    invoice_prefix: str | None = Field(default=None, max_length=32, unique=True)
    last_invoice_sequence: int = Field(default=0)
    created_at: datetime = _instant()


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    account_id: int = Field(foreign_key="accounts.id", primary_key=True, index=True)
    role: Role = Field(sa_type=_enum(Role))


class Subscription(SQLModel, table=True):
    __tablename__ = "subscriptions"
    __table_args__ = (sa.UniqueConstraint("account_id", "plan_code"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    plan_code: PlanCode = Field(sa_type=_enum(PlanCode))
    quantity: int
    status: SubscriptionStatus = Field(sa_type=_enum(SubscriptionStatus))
    subscribed_at: datetime = _instant()
    trial_ends_at: datetime = _instant()
    current_period_start: datetime | None = _instant(default=None, nullable=True)
    current_period_end: datetime | None = _instant(default=None, nullable=True)
    billing_anchor_day: int | None = Field(default=None)
    # How many of its `quantity` slots channels fill; kept with the channels, under the
    # subscription's lock, so a change of quantity checks it without counting rows.
    connected_units: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    @classmethod
    def new_trial(
        cls, account_id: int, plan: Plan, quantity: int, subscribed_at: datetime
    ) -> "Subscription":
        """A subscription as subscribing makes it: on a fresh trial, nothing billed."""
        return cls(
            account_id=account_id,
            plan_code=plan.code,
            quantity=quantity,
            status=SubscriptionStatus.TRIALING,
            subscribed_at=subscribed_at,
            trial_ends_at=trial_ends_at(subscribed_at, plan.trial_days),
        )

    def enter(self, state: BillingState) -> None:
        """Take on the cycle position of `state` (after crossing a boundary)."""
        self.status = state.status
        self.current_period_start = state.current_period_start
        self.current_period_end = state.current_period_end
        self.billing_anchor_day = state.billing_anchor_day


class Channel(SQLModel, table=True):
    """A channel (number, account, workspace) connected to one slot of a subscription.
    Disconnecting deletes it: its name is then free again."""

    __tablename__ = "channels"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscriptions.id")
    name: str = Field(max_length=100)
    name_key: str = Field(max_length=400)  # the name casefolded: unique per subscription
    connected_at: datetime = _instant()


class Invoice(SQLModel, table=True):
    """An issued invoice. Never updated: its lines and total are fixed at issue."""

    __tablename__ = "invoices"
    __table_args__ = (
        # Exactly once: one invoice per subscription and period, whoever runs billing.
        sa.UniqueConstraint("subscription_id", "period_start"),
        sa.Index("ix_invoices_account_newest", "account_id", "issued_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id")
    subscription_id: int = Field(foreign_key="subscriptions.id")
    number: str = Field(max_length=48, unique=True)
    issued_at: datetime = _instant()
    period_start: datetime = _instant()
    period_end: datetime = _instant()
    total: Decimal = Field(sa_type=Cents())


class InvoiceLine(SQLModel, table=True):
    """A line of an invoice; a proration line is pending (no invoice) until issued."""

    __tablename__ = "invoice_lines"
    __table_args__ = (sa.Index("ix_invoice_lines_pending", "subscription_id", "invoice_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscriptions.id")
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id", index=True)
    kind: InvoiceLineKind = Field(sa_type=_enum(InvoiceLineKind))
    description: str = Field(max_length=300)
    quantity: int
    amount: Decimal = Field(sa_type=Cents())
    period_start: datetime = _instant()
    period_end: datetime = _instant()
    created_at: datetime = _instant()


class IdempotencyKey(SQLModel, table=True):
    """A mutation already carried out for this user and key, and what it produced."""

    __tablename__ = "idempotency_keys"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    key: str = Field(max_length=255, primary_key=True)
    operation: str = Field(max_length=64)
    fingerprint: str = Field(max_length=64)  # sha256 of the operation's input
    outcome: str = Field(sa_type=sa.Text)  # JSON: ids to present the first payload again
    created_at: datetime = _instant(index=True)


class SubscriptionChange(SQLModel, table=True):
    """The audit trail: who changed which subscription, how, and when."""

    __tablename__ = "subscription_changes"
    __table_args__ = (sa.Index("ix_subscription_changes_newest", "subscription_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id", index=True)
    subscription_id: int = Field(foreign_key="subscriptions.id")
    user_id: int = Field(foreign_key="users.id")
    action: ChangeAction = Field(sa_type=_enum(ChangeAction))
    old_quantity: int | None = None
    new_quantity: int
    proration_amount: Decimal | None = Field(default=None, sa_type=Cents())
    channel_name: str | None = Field(default=None, max_length=100)
    occurred_at: datetime = _instant()
    request_id: str = Field(max_length=64)
    served_by: str = Field(default="", max_length=128, sa_column_kwargs={"server_default": ""})


class RateLimitBucket(SQLModel, table=True):
    """A user's rate-limit bucket for one kind of request (services.rate_limits)."""

    __tablename__ = "rate_limit_buckets"

    user_id: int = Field(primary_key=True)
    kind: str = Field(max_length=16, primary_key=True)
    tokens: float
    refilled_at: float  # seconds since the epoch, on the database's clock
    taken: bool  # whether the last request got a token
