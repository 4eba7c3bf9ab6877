"""Changes to subscriptions: the quantity, and subscribing to a product.

Each is one transaction that takes its lock first, is refused (DomainError, nothing
written) or carried out in full together with its audit record and idempotency key.
Each answers with the subscription as the change left it, which is also what a repeat
of its idempotency key answers.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services import audit, events, idempotency, quotes
from services.billing.cycle import billing_state, is_due
from services.billing.issuing import bill_locked_account
from services.billing.proration import PricedChange, price_change
from services.catalog import Plan, PlanCode, plan_for
from services.clock import Clock
from services.errors import Reason, Refused, Subject, not_found
from services.events import EventKind
from services.idempotency import Operation
from services.money import ZERO
from services.permissions import Viewer, require_admin
from services.persistence.database import Database
from services.persistence.locks import lock_account_of, lock_account_records_of
from services.persistence.records import (
    InvoiceLineRecord,
    SubscriptionLike,
    SubscriptionRecord,
    from_json,
    select_records,
    snapshot,
    to_json,
)
from services.persistence.tables import ChangeAction, InvoiceLine, Subscription
from services.subscriptions import PENDING_LINES_KEPT, Pending


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """Who asks for a change, in which request, with which idempotency key."""

    db: Database
    clock: Clock
    viewer: Viewer
    request_id: str
    idempotency_key: str | None = None
    key_retention: timedelta = timedelta(hours=24)
    quote_key: bytes = b""
    instance: str = ""

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.viewer.user_id, self.request_id, self.instance)

    def idempotent(self, operation: Operation, **inputs) -> idempotency.IdempotentRequest | None:
        return idempotency.IdempotentRequest.of(
            self.viewer.user_id, self.idempotency_key, operation, **inputs
        )

    async def repeated(
        self, session: AsyncSession, key: idempotency.IdempotentRequest | None, now: datetime
    ) -> dict | None:
        """What the first request with this key stored, if this one repeats it; else the
        key is claimed for this transaction (services.idempotency)."""
        if key is None:
            return None
        return await idempotency.claim(session, key, now, self.key_retention)

    async def subscription_to_change(
        self,
        session: AsyncSession,
        subscription_id: int | None,
        now: datetime,
        asked_for: Subject = Subject.SUBSCRIPTION,
    ) -> Subscription:
        """The subscription locked and billed up to `now`, for an admin of its account:
        NOT_FOUND and FORBIDDEN otherwise, before anything else, repeats included."""
        subscription = await locked_and_billed(session, subscription_id, now)
        require_admin(self.viewer, subscription.account_id, asked_for)
        return subscription

    async def state_to_change(
        self, session: AsyncSession, subscription_id: int | None, now: datetime
    ) -> SubscriptionRecord:
        """`subscription_to_change` as a record, for a change that writes its rows
        itself: only an account with an invoice due enters the session, to be billed."""
        account = await lock_account_records_of(session, subscription_id) if subscription_id else []
        found = next((s for s in account if s.id == subscription_id), None)
        if found is None:
            raise not_found(Subject.SUBSCRIPTION)
        if any(is_due(s, now) for s in account):
            return snapshot(await self.subscription_to_change(session, subscription_id, now))
        require_admin(self.viewer, found.account_id, Subject.SUBSCRIPTION)
        return found


async def _pending(session: AsyncSession, subscription_id: int) -> Pending:
    """The lines pending on the subscription's next invoice (the first ones, with the
    total and number of all), in one statement that does not grow with them."""
    pending = (InvoiceLine.subscription_id == subscription_id, InvoiceLine.invoice_id.is_(None))
    totals = sa.select(sa.func.sum(InvoiceLine.amount), sa.func.count()).where(*pending).subquery()
    statement = (
        select_records(InvoiceLine)
        .add_columns(*totals.c)
        .join(totals, sa.true())
        .where(*pending)
        .order_by(InvoiceLine.id)
        .limit(PENDING_LINES_KEPT)
    )
    # Plain rows, no ORM entities: run on the session's connection, skipping the ORM's
    # per-statement setup (whatever the session held is flushed: Changed.of flushes, and
    # a quantity change writes with Core).
    connection = await session.connection()
    rows = (await connection.execute(statement)).all()
    if not rows:
        return NOTHING_PENDING
    lines = tuple(InvoiceLineRecord._make(row[:-2]) for row in rows)
    return Pending(lines, rows[0][-2], rows[0][-1])


NOTHING_PENDING = Pending((), ZERO, 0)


@dataclass(frozen=True, slots=True)
class Changed:
    """A subscription as a change left it, with the proration lines then pending."""

    subscription: SubscriptionRecord
    pending: Pending = NOTHING_PENDING

    @classmethod
    async def of(
        cls, session: AsyncSession, subscription: Subscription | SubscriptionRecord
    ) -> "Changed":
        await session.flush()
        if not isinstance(subscription, SubscriptionRecord):
            subscription = snapshot(subscription)
        return cls(subscription, await _pending(session, subscription.id))

    def to_json(self) -> dict:
        return {
            "subscription": to_json(self.subscription),
            "pending_lines": [to_json(line) for line in self.pending.lines],
            "pending_total": str(self.pending.total),
            "pending_count": self.pending.count,
        }

    @classmethod
    def from_json(cls, stored: dict) -> "Changed":
        lines = tuple(from_json(InvoiceLine, line) for line in stored["pending_lines"])
        pending = Pending(lines, Decimal(stored["pending_total"]), stored["pending_count"])
        return cls(from_json(Subscription, stored["subscription"]), pending)


@dataclass(frozen=True, slots=True)
class QuantityChanged:
    changed: Changed
    proration_line: InvoiceLineRecord | None
    old_quantity: int

    def to_json(self) -> dict:
        line = self.proration_line
        return {
            **self.changed.to_json(),
            "proration_line": to_json(line) if line is not None else None,
            "old_quantity": self.old_quantity,
        }

    @classmethod
    def from_json(cls, stored: dict) -> "QuantityChanged":
        line = stored["proration_line"]
        return cls(
            Changed.from_json(stored),
            from_json(InvoiceLine, line) if line is not None else None,
            stored["old_quantity"],
        )


async def _replay_legacy(session: AsyncSession, subscription: SubscriptionRecord, stored: dict):
    """Keys stored before 2026-11-30 kept ids, not states: answer with today's state."""
    line_id = stored["proration_line_id"]
    line = await session.get_one(InvoiceLine, line_id) if line_id else None
    return QuantityChanged(
        await Changed.of(session, subscription),
        snapshot(line) if line is not None else None,
        stored["old_quantity"],
    )


async def locked_and_billed(
    session: AsyncSession, subscription_id: int | None, now: datetime
) -> Subscription:
    """The subscription under its account's lock, its account billed up to `now`, so a
    change is priced in the period that holds its instant (SPEC §3)."""
    account = await lock_account_of(session, subscription_id) if subscription_id else []
    found = next((s for s in account if s.id == subscription_id), None)
    if found is None:
        raise not_found(Subject.SUBSCRIPTION)
    await bill_locked_account(session, account, now)
    return found


async def update_quantity(
    request: ChangeRequest,
    subscription_id: int | None,
    quantity: int,
    expected_quantity: int | None = None,
    quote_id: str | None = None,
) -> QuantityChanged:
    """Apply a new quantity at once; while active, add the proration line for the rest of
    the period. Concurrent changes of one subscription queue on its lock, so each line is
    priced against the quantity it really replaced. With a quote, the change goes
    through only if it is priced exactly as quoted."""
    key = request.idempotent(
        Operation.CHANGE_QUANTITY,
        subscription_id=subscription_id,
        quantity=quantity,
        expected_quantity=expected_quantity,
        quote_id=quote_id,
    )
    async with request.db.transaction() as session:
        # Taken under the lock, so the change is priced where it really happens.
        now = request.clock.now()
        subscription = await request.state_to_change(session, subscription_id, now)
        stored = await request.repeated(session, key, now)
        if stored is not None:
            if "subscription" not in stored:
                return await _replay_legacy(session, subscription, stored)
            return QuantityChanged.from_json(stored)
        plan = plan_for(subscription.plan_code)
        check_new_quantity(plan, subscription, quantity, expected_quantity)
        change = price_change(plan, billing_state(subscription), quantity, now)
        if quote_id is not None:
            terms = quotes.QuoteTerms.of(
                request.viewer.user_id, subscription.id, change, plan.monthly_cost(quantity)
            )
            quotes.require_honoured(request.quote_key, quote_id, terms, now)
        changed, line = await _apply(session, request, subscription, change, now)
        outcome = QuantityChanged(changed, line, change.old_quantity)
        if key is not None:
            await idempotency.remember(session, key, outcome.to_json())
    return outcome


def check_new_quantity(
    plan: Plan, subscription: SubscriptionLike, quantity: int, expected_quantity: int | None
) -> None:
    """Refuse a new quantity, in this order: outside 1–50, the quantity the client saw
    is stale, nothing would change, or it would leave connected channels without a
    slot."""
    plan.check_quantity(quantity)
    current = subscription.quantity
    if expected_quantity is not None and expected_quantity != current:
        raise Refused(
            Reason.QUANTITY_CONFLICT,
            f"The subscription has {current}, not {expected_quantity}: someone changed it "
            "meanwhile. Reload and try again.",
            Subject.EXPECTED_QUANTITY,
        )
    if quantity == current:
        raise Refused(
            Reason.QUANTITY_UNCHANGED,
            f"The subscription already has {plan.units(quantity)}.",
            Subject.QUANTITY,
        )
    excess = subscription.connected_units - quantity
    if excess > 0:
        raise Refused(
            Reason.UNITS_IN_USE,
            f"Disconnect {plan.units(excess)} first: {subscription.connected_units} are "
            f"connected, and only {quantity} can stay.",
            Subject.QUANTITY,
        )


async def _apply(
    session: AsyncSession,
    request: ChangeRequest,
    subscription: SubscriptionRecord,
    change: PricedChange,
    now: datetime,
) -> tuple[Changed, InvoiceLineRecord | None]:
    """The new quantity, its proration line (while active), its audit record and its
    live event. Written at once with Core, the statements a flush would send in the
    order it would send them: the hottest write skips the unit of work."""
    connection = await session.connection()
    line = None
    if change.line is not None:
        fields = {
            "subscription_id": subscription.id,
            "invoice_id": None,
            "created_at": now,
            **change.line.fields(),
        }
        inserted = await connection.execute(_LINES.insert().values(**fields))
        line = InvoiceLineRecord(id=inserted.inserted_primary_key[0], **fields)
    await connection.execute(
        _SUBSCRIPTIONS.update()
        .where(_SUBSCRIPTIONS.c.id == subscription.id)
        .values(quantity=change.new_quantity)
    )
    subscription = subscription._replace(quantity=change.new_quantity)
    await audit.write(
        connection,
        request.actor,
        subscription,
        ChangeAction.QUANTITY_CHANGED,
        now,
        old_quantity=change.old_quantity,
        proration_amount=change.proration_amount,
    )
    events.announce(session, EventKind.QUANTITY_CHANGED, subscription, now)
    return Changed(subscription, await _pending(session, subscription.id)), line


_LINES = InvoiceLine.__table__
_SUBSCRIPTIONS = Subscription.__table__


async def subscribe_product(
    request: ChangeRequest, account_id: int | None, plan_code: PlanCode, quantity: int
) -> Changed:
    """A new subscription to a product the account does not have, on a fresh trial."""
    if account_id is None:
        raise not_found(Subject.ACCOUNT)
    require_admin(request.viewer, account_id, Subject.ACCOUNT)
    plan = plan_for(plan_code)
    plan.check_quantity(quantity)
    key = request.idempotent(
        Operation.SUBSCRIBE_PRODUCT, account_id=account_id, plan_code=plan.code, quantity=quantity
    )
    already = Refused(
        Reason.ALREADY_SUBSCRIBED,
        f"This account already subscribes to {plan.name}; change its quantity instead.",
        Subject.PLAN,
    )
    try:
        async with request.db.transaction() as session:
            now = request.clock.now()
            stored = await request.repeated(session, key, now)
            if stored is not None:
                if "subscription" not in stored:  # stored before 2026-11-30
                    found = await session.get_one(Subscription, stored["subscription_id"])
                    return Changed(snapshot(found))
                return Changed.from_json(stored)
            existing = select(Subscription.id).where(
                Subscription.account_id == account_id, Subscription.plan_code == plan.code
            )
            if (await session.exec(existing)).first() is not None:
                raise already
            subscription = Subscription.new_trial(account_id, plan, quantity, now)
            session.add(subscription)
            await session.flush()
            audit.record(session, request.actor, subscription, ChangeAction.SUBSCRIBED, now)
            events.announce(session, EventKind.SUBSCRIBED, subscription, now)
            outcome = Changed(snapshot(subscription))
            if key is not None:
                await idempotency.remember(session, key, outcome.to_json())
    except IntegrityError:
        # A concurrent subscribe won the unique (account, plan) constraint.
        raise already from None
    return outcome
