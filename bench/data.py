"""The benchmark's database: migrated, then filled in bulk with a believable history.

Every subscription's past is played through the billing rules of services/ (trials,
anchored periods, proration, invoices at each boundary), so the rows are what the
server itself would have written had it run all along: invoice totals are the sum of
their lines, numbers run per account in date order ("ACME001-0001"), and proration
lines made in the current period are still pending (invoice_id null). Rows go in
through SQLAlchemy Core in bulk: going through the server would take minutes.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from migrations.apply import upgrade
from services.accounts import invoice_prefix
from services.billing.cycle import BillingState, SubscriptionStatus
from services.billing.invoices import InvoiceDraft, InvoiceLineKind, settle
from services.billing.issuing import invoice_number
from services.billing.periods import trial_ends_at
from services.billing.proration import price_change
from services.catalog import PLANS, Plan, PlanCode, plan_for
from services.permissions import Role
from services.persistence.database import Database
from services.persistence.tables import (
    Account,
    ChangeAction,
    IdempotencyKey,
    Invoice,
    InvoiceLine,
    Membership,
    Subscription,
    SubscriptionChange,
    User,
)

BENCH_EMAIL = "bench@octopods.test"  # reads: the dashboard and previewCost
WRITER_EMAIL = "bench-writer@octopods.test"  # writes: updateQuantity
ACCOUNTS = 2_000
WRITER_ACCOUNTS = 13  # × 4 plans = 52 subscriptions to spread the writes' row locks
PREVIEW_QUANTITY = 7

DAY = timedelta(days=1)
TABLES = (User, Account, Membership, Subscription, Invoice, InvoiceLine, SubscriptionChange)


@dataclass(frozen=True, slots=True)
class MadeLine:
    """A proration line as the server stores it: the draft and when it was made."""

    kind: InvoiceLineKind
    description: str
    quantity: int
    amount: Decimal
    period_start: datetime
    period_end: datetime
    created_at: datetime


@dataclass
class Seeded:
    """What the rows of the benchmark need to know about the data."""

    now: datetime
    preview_subscription_id: int  # the bench user's ACTIVE subscription with pending lines
    writer_subscription_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    last_ids: dict[str, int] = field(default_factory=dict)  # to undo what writes add


class History:
    """Rows with ids given here, in the order the foreign keys need."""

    def __init__(self, now: datetime, rng: random.Random):
        self.now = now
        self.rng = rng
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.drafts: dict[int, list[tuple[datetime, int, InvoiceDraft]]] = defaultdict(list)
        self.pending: list[tuple[int, MadeLine]] = []
        self.admin_of: dict[int, int] = {}

    def _add(self, table: str, **values) -> int:
        rows = self.rows[table]
        values.setdefault("id", len(rows) + 1)
        rows.append(values)
        return values["id"]

    def user(self, email: str, name: str) -> int:
        return self._add("users", email=email, name=name)

    def account(self, name: str, created_at: datetime) -> int:
        account_id = len(self.rows["accounts"]) + 1
        return self._add(
            "accounts",
            id=account_id,
            name=name,
            invoice_prefix=invoice_prefix(name, account_id),
            last_invoice_sequence=0,  # set by finish()
            created_at=created_at,
        )

    def member(self, user_id: int, account_id: int, role: Role) -> None:
        self.rows["memberships"].append(
            {"user_id": user_id, "account_id": account_id, "role": role}
        )
        if role is Role.ADMIN:
            self.admin_of.setdefault(account_id, user_id)

    def _change(self, subscription_id: int, account_id: int, at: datetime, **values) -> None:
        self._add(
            "subscription_changes",
            account_id=account_id,
            subscription_id=subscription_id,
            user_id=self.admin_of[account_id],
            occurred_at=at,
            request_id=f"seed-{subscription_id}-{at:%Y%m%d%H%M}",
            **values,
        )

    def subscription(
        self,
        account_id: int,
        plan: Plan,
        quantity: int,
        subscribed_at: datetime,
        changes: list[datetime],
        recent_changes: int = 0,
    ) -> int:
        """Play a subscription from its trial to now: `changes` are quantity changes in
        its past, `recent_changes` more fall in its current period (pending lines)."""
        subscription_id = len(self.rows["subscriptions"]) + 1
        state = BillingState(
            SubscriptionStatus.TRIALING, quantity, trial_ends_at(subscribed_at, plan.trial_days)
        )
        self._change(
            subscription_id,
            account_id,
            subscribed_at,
            action=ChangeAction.SUBSCRIBED,
            old_quantity=None,
            new_quantity=quantity,
            proration_amount=None,
        )
        pending: list[MadeLine] = []

        def settle_to(at: datetime) -> None:
            """Issue what fell due by `at`, as the billing runs would have."""
            nonlocal state, pending
            settlement = settle(plan, state, pending, at)
            for draft in settlement.due:
                self.drafts[account_id].append((draft.issued_at, subscription_id, draft))
            state, pending = settlement.state, list(settlement.pending)

        def change_at(at: datetime) -> None:
            """updateQuantity at `at`: priced by the same rule, audited the same way."""
            nonlocal state
            settle_to(at)
            step = self.rng.choice((-2, -1, 1, 1, 2, 3))
            new = min(max(state.quantity + step, plan.min_quantity), plan.max_quantity)
            if new == state.quantity:
                return
            change = price_change(plan, state, new, at)
            amount = change.proration_amount
            if change.line is not None:
                pending.append(MadeLine(**change.line.fields(), created_at=at))
            self._change(
                subscription_id,
                account_id,
                at,
                action=ChangeAction.QUANTITY_CHANGED,
                old_quantity=state.quantity,
                new_quantity=new,
                proration_amount=amount,
            )
            state = replace(state, quantity=new)

        changes = sorted(changes)
        for at in changes:
            change_at(at)
        settle_to(self.now)
        # Changes in the current period stay pending until its end.
        start = max([state.current_period_start or subscribed_at, *changes])
        recent = sorted(self.rng.uniform(0.2, 0.95) for _ in range(recent_changes))
        for fraction in recent:
            change_at(start + (self.now - start) * fraction)
        self.pending += [(subscription_id, line) for line in pending]
        return self._add(
            "subscriptions",
            id=subscription_id,
            account_id=account_id,
            plan_code=plan.code,
            quantity=state.quantity,
            status=state.status,
            subscribed_at=subscribed_at,
            trial_ends_at=state.trial_ends_at,
            current_period_start=state.current_period_start,
            current_period_end=state.current_period_end,
            billing_anchor_day=state.billing_anchor_day,
        )

    def finish(self) -> None:
        """Number each account's invoices in date order, as billing runs issue them
        (oldest boundary first, then subscription id), and write their lines."""
        accounts = {row["id"]: row for row in self.rows["accounts"]}
        issued = [
            (issued_at, subscription_id, account_id, draft)
            for account_id, drafts in self.drafts.items()
            for issued_at, subscription_id, draft in drafts
        ]
        for issued_at, subscription_id, account_id, draft in sorted(issued, key=lambda x: x[:2]):
            account = accounts[account_id]
            account["last_invoice_sequence"] += 1
            invoice_id = self._add(
                "invoices",
                account_id=account_id,
                subscription_id=subscription_id,
                number=invoice_number(account["invoice_prefix"], account["last_invoice_sequence"]),
                issued_at=issued_at,
                period_start=draft.period_start,
                period_end=draft.period_end,
                total=draft.total,
            )
            for line in draft.lines:
                self._line(
                    subscription_id, invoice_id, line, getattr(line, "created_at", issued_at)
                )
        for subscription_id, line in self.pending:
            self._line(subscription_id, None, line, line.created_at)

    def _line(self, subscription_id: int, invoice_id: int | None, line, created_at) -> None:
        self._add(
            "invoice_lines",
            subscription_id=subscription_id,
            invoice_id=invoice_id,
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            amount=line.amount,
            period_start=line.period_start,
            period_end=line.period_end,
            created_at=created_at,
        )


WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell"]
WORDS += ["Cyberdyne", "Soylent", "Vandelay", "Massive", "Pied", "Aperture", "Oscorp", "Monarch"]
KINDS = ["Support", "Sales", "Labs", "Studio", "Retail", "Logistics", "Travel", "Health", "Media"]


def _past_changes(rng: random.Random, since: datetime, now: datetime) -> list[datetime]:
    """Quantity changes about every eight months, at random instants."""
    found, at = [], since
    while True:
        at += timedelta(days=rng.expovariate(1 / 240))
        if at >= now:
            return found
        found.append(at)


def build(now: datetime, seed: int = 5) -> tuple[History, Seeded]:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    history = History(now, rng)

    # The reader: admin of 2 accounts, 5 subscriptions, pending lines, years of invoices.
    bench = history.user(BENCH_EMAIL, "Bench Reader")
    colleague = history.user("colleague@octopods.test", "Bench Colleague")
    support = history.account("Bench Support", now - 450 * DAY)
    labs = history.account("Bench Labs", now - 400 * DAY)
    for account_id in (support, labs):
        history.member(bench, account_id, Role.ADMIN)
        history.member(colleague, account_id, Role.MEMBER)
    omni = plan_for(PlanCode.OMNICHANNEL)
    preview = history.subscription(
        support, omni, 3, now - 430 * DAY, [now - 200 * DAY], recent_changes=2
    )
    history.subscription(support, plan_for(PlanCode.WHATSAPP_BUSINESS), 2, now - 400 * DAY, [])
    history.subscription(
        support, plan_for(PlanCode.INSTAGRAM), 4, now - 330 * DAY, [now - 90 * DAY]
    )
    history.subscription(labs, omni, 5, now - 370 * DAY, [], recent_changes=1)
    history.subscription(labs, plan_for(PlanCode.SLACK), 1, now - 2 * DAY, [])  # on trial

    # The writer: 52 ACTIVE subscriptions, so concurrent changes rarely share a lock.
    writer = history.user(WRITER_EMAIL, "Bench Writer")
    writes = []
    for number in range(WRITER_ACCOUNTS):
        created = now - rng.uniform(100, 400) * DAY
        account_id = history.account(f"Writer {WORDS[number]}", created)
        history.member(writer, account_id, Role.ADMIN)
        for plan in PLANS:
            subscribed = created + rng.uniform(0, 60) * DAY
            quantity = rng.randint(1, 10)
            writes.append(history.subscription(account_id, plan, quantity, subscribed, []))

    # Everyone else: 1 to 4 products per account (2.5 on average), up to two years old.
    users = [bench, colleague, writer]
    while len(history.rows["accounts"]) < ACCOUNTS:
        number = len(history.rows["accounts"]) + 1
        name = f"{rng.choice(WORDS)} {rng.choice(KINDS)}"
        created = now - rng.uniform(1, 730) * DAY
        account_id = history.account(name, created)
        if rng.random() < 0.05:  # a consultant who runs several workspaces
            owner = rng.choice(users)
        else:
            owner = history.user(f"owner{number}@example.test", f"Owner {number}")
            users.append(owner)
        history.member(owner, account_id, Role.ADMIN)
        for _ in range(rng.choice((0, 0, 1, 2))):
            member = history.user(f"member{len(users)}@example.test", f"Member {len(users)}")
            users.append(member)
            history.member(member, account_id, Role.MEMBER)
        count = rng.choices((1, 2, 3, 4), weights=(2, 3, 3, 2))[0]
        for plan in rng.sample(PLANS, count):
            subscribed = min(created + rng.uniform(0, 90) * DAY, now - DAY / 24)
            quantity = min(int(rng.paretovariate(1.5)), 50)
            history.subscription(
                account_id,
                plan,
                quantity,
                subscribed,
                _past_changes(rng, subscribed, now),
                recent_changes=1 if rng.random() < 0.1 else 0,
            )
    history.finish()
    seeded = Seeded(now=now, preview_subscription_id=preview, writer_subscription_ids=writes)
    return history, seeded


async def load(url: str, history: History, seeded: Seeded) -> None:
    """Migrate (as `octopods migrate` does), insert everything, and refresh the
    planner's statistics, as a long-running database would have them."""
    db = Database(url)
    try:
        await upgrade(db)
        async with db.engine.begin() as connection:
            for model in TABLES:
                table = model.__table__
                rows = history.rows[table.name]
                for start in range(0, len(rows), 5_000):
                    await connection.execute(table.insert(), rows[start : start + 5_000])
                seeded.counts[table.name] = len(rows)
                if "id" in table.c:
                    seeded.last_ids[table.name] = len(rows)
                    if not db.is_sqlite:  # explicit ids leave the serial sequences behind
                        await connection.execute(
                            sa.select(
                                sa.func.setval(
                                    sa.func.pg_get_serial_sequence(table.name, "id"), len(rows)
                                )
                            )
                        )
        async with db.engine.connect() as connection:
            await connection.execute(sa.text("ANALYZE"))
            await connection.commit()
    finally:
        await db.dispose()


async def undo_writes(url: str, seeded: Seeded) -> None:
    """Remove what updateQuantity rows added (proration lines, audit records, keys), so
    pending lines do not pile up round after round and slow later rounds down."""
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            for model in (InvoiceLine, SubscriptionChange):
                table = model.__table__
                await connection.execute(
                    table.delete().where(table.c.id > seeded.last_ids[table.name])
                )
            await connection.execute(IdempotencyKey.__table__.delete())
    finally:
        await db.dispose()


def now_utc() -> datetime:
    return datetime.now(UTC)
