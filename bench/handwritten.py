"""The three operations written by hand: the server's SQL through SQLAlchemy Core, and
the response's JSON built with plain dicts. No ORM, no GraphQL.

This is the same-SQL floor's work. Reads call the server's own batch reads
(services.queries, SQLAlchemy Core into records), so their SQL is the server's by
construction; the change is written here statement by statement, mirroring
services.changes and services.idempotency. bench.checks compares the SQL text of both
before anything is measured, and the JSON of both responses. The business rules are
not rewritten: money, periods, proration and upcoming invoices come from the pure
functions of services/.
"""

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from resolvers import cursors, ids
from schema.errors import code_of, field_of
from schema.scalars import serialize_instant
from services import accounts as account_rules
from services import queries
from services.billing.cycle import billing_state, is_due
from services.billing.proration import price_change
from services.catalog import plan_for
from services.changes import Changed, QuantityChanged
from services.errors import NotSignedIn, Reason, Refused, Subject, not_found
from services.events import AccountEvent, EventKind
from services.idempotency import IdempotentRequest, Operation
from services.money import CURRENCY, format_usd
from services.permissions import Role, Viewer, require_admin
from services.persistence.database import Database
from services.persistence.notify import CHANNEL
from services.persistence.records import (
    InvoiceLineRecord,
    SubscriptionRecord,
    select_records,
)
from services.persistence.tables import (
    ChangeAction,
    IdempotencyKey,
    InvoiceLine,
    Subscription,
    SubscriptionChange,
)
from services.subscriptions import PENDING_LINES_KEPT, Pending, preview_cost, upcoming_invoice

SUBSCRIPTIONS = Subscription.__table__
LINES = InvoiceLine.__table__
CHANGES = SubscriptionChange.__table__
KEYS = IdempotencyKey.__table__

KEY_RETENTION = timedelta(hours=24)  # the server's default (OCTOPODS_IDEMPOTENCY_...)


# --- presenting values as the schema does ------------------------------------------


def instant(value: datetime | None) -> str | None:
    return None if value is None else serialize_instant(value)


def money(amount: Decimal, *, currency: bool = False) -> dict:
    if currency:
        return {"amount": str(amount), "currency": CURRENCY, "formatted": format_usd(amount)}
    return {"amount": str(amount), "formatted": format_usd(amount)}


def line_json(line) -> dict:
    return {
        "kind": line.kind.value,
        "description": line.description,
        "quantity": line.quantity,
        "amount": money(line.amount),
    }


async def viewer(db: Database, user_id: int, now: datetime) -> Viewer:
    found = await queries.viewer_with_accounts(db, user_id, now)
    if found is None:
        raise NotSignedIn("The token's user does not exist.")
    return found.viewer


# --- the operations ----------------------------------------------------------------


async def dashboard(db: Database, user_id: int, invoices_first: int, now: datetime) -> dict:
    found = await queries.viewer_with_accounts(db, user_id, now)
    if found is None:
        raise NotSignedIn("The token's user does not exist.")
    person, records = found.viewer, found.accounts
    accounts = [(account.id, account.name) for account in records]
    account_ids = [account_id for account_id, _ in accounts]
    subscriptions: dict[int, list] = {key: [] for key in account_ids}
    invoices: dict[int, list] = {}
    more: dict[int, bool] = {}
    if account_ids:
        owned = await queries.subscriptions_of_accounts(db, account_ids)
        subscriptions = dict(zip(account_ids, owned, strict=True))
        requests = [queries.PageRequest(key, invoices_first) for key in account_ids]
        pages = await queries.pages(db, queries.INVOICES, requests)
        invoices = {key: page.items for key, page in zip(account_ids, pages, strict=True)}
        more = {key: page.has_next_page for key, page in zip(account_ids, pages, strict=True)}
    shown = [invoice.id for page in invoices.values() for invoice in page]
    lines = (
        dict(zip(shown, await queries.lines_of_invoices(db, shown), strict=True)) if shown else {}
    )

    def account_json(account_id: int, name: str) -> dict:
        role = person.roles[account_id]
        owned = [subscription for subscription, _ in subscriptions[account_id]]
        page = invoices.get(account_id, [])
        edges = [
            {
                "cursor": cursors.encode(queries.INVOICES, invoice),
                "node": {
                    "id": ids.encode("Invoice", invoice.id),
                    "number": invoice.number,
                    "status": "ISSUED",
                    "issuedAt": instant(invoice.issued_at),
                    "periodStart": instant(invoice.period_start),
                    "periodEnd": instant(invoice.period_end),
                    "total": money(invoice.total),
                    "lines": [line_json(line) for line in lines.get(invoice.id, [])],
                },
            }
            for invoice in page
        ]
        return {
            "id": ids.encode("Account", account_id),
            "name": name,
            "viewerRole": role.value,
            "messagingAllowance": account_rules.messaging_allowance(owned),
            "availablePlans": [
                {
                    "code": plan.code.value,
                    "name": plan.name,
                    "unitLabel": plan.unit_label,
                    "firstUnitPrice": money(plan.first_unit_price),
                    "additionalUnitPrice": money(plan.additional_unit_price),
                    "trialDays": plan.trial_days,
                }
                for plan in account_rules.available_plans(owned)
            ],
            "subscriptions": [
                subscription_json(subscription, pending, role, now)
                for subscription, pending in subscriptions[account_id]
            ],
            "invoices": {
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": more[account_id],
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
            },
        }

    return {
        "viewer": {
            "email": person.email,
            "name": person.name,
            "memberships": [
                {"role": person.roles[account_id].value, "account": account_json(account_id, name)}
                for account_id, name in accounts
            ],
        }
    }


def subscription_json(subscription, pending: Pending, role: Role, now: datetime) -> dict:
    plan = plan_for(subscription.plan_code)
    upcoming = upcoming_invoice(subscription, pending.lines, now)  # the bench keeps few
    return {
        "id": ids.encode("Subscription", subscription.id),
        "quantity": subscription.quantity,
        "connectedUnits": subscription.connected_units,
        "status": subscription.status.value,
        "trialEndsAt": instant(subscription.trial_ends_at),
        "currentPeriodStart": instant(subscription.current_period_start),
        "currentPeriodEnd": instant(subscription.current_period_end),
        "monthlyCost": money(plan.monthly_cost(subscription.quantity), currency=True),
        "messagingAllowance": plan.messaging_allowance(subscription.quantity),
        "viewerCanUpdate": role is Role.ADMIN,
        "plan": {
            "code": plan.code.value,
            "name": plan.name,
            "unitLabel": plan.unit_label,
            "minQuantity": plan.min_quantity,
            "maxQuantity": plan.max_quantity,
        },
        "upcomingInvoice": {
            "id": ids.encode("Invoice", f"{ids.UPCOMING_PREFIX}{subscription.id}"),
            "issuedAt": instant(upcoming.issued_at),
            "periodStart": instant(upcoming.period_start),
            "periodEnd": instant(upcoming.period_end),
            "total": money(upcoming.total),
            "lines": [line_json(line) for line in upcoming.lines],
        },
    }


async def cost_preview(
    db: Database, user_id: int, variables: dict, now: datetime, quote_key: bytes
) -> dict:
    key = ids.decode(variables["subscriptionId"], "Subscription")
    person = await viewer(db, user_id, now)
    if key is None:
        raise not_found(Subject.SUBSCRIPTION)
    [found] = await queries.subscriptions_with_pending_total(db, [key])
    subscription, pending_total = found if found is not None else (None, Decimal(0))
    preview = preview_cost(
        person, subscription, pending_total, variables["quantity"], now, quote_key
    )
    return {
        "previewCost": {
            "currentQuantity": preview.current_quantity,
            "newQuantity": preview.new_quantity,
            "changed": preview.changed,
            "currentMonthlyCost": money(preview.current_monthly_cost),
            "newMonthlyCost": money(preview.new_monthly_cost),
            "prorationAmount": money(preview.proration_amount),
            "remainingDays": preview.remaining_days,
            "daysInPeriod": preview.days_in_period,
            "nextInvoiceTotal": money(preview.next_invoice_total),
            "messagingAllowance": preview.messaging_allowance,
            "blockedByConnectedUnits": preview.blocked_by_connected_units,
            "quoteId": preview.quote_id,
            "quoteExpiresAt": instant(preview.quote_expires_at),
        }
    }


def _refused(error: Refused) -> dict:
    return {
        "updateQuantity": {
            "subscription": None,
            "prorationLine": None,
            "errors": [
                {
                    "code": code_of(error),
                    "message": error.message,
                    "field": field_of(error, ("input",)),
                }
            ],
        }
    }


async def update_quantity(db: Database, user_id: int, variables: dict, now: datetime) -> dict:
    """services.changes.update_quantity: the key, the lock, the line, the audit record,
    in one write transaction (BEGIN IMMEDIATE on SQLite, as Database.transaction)."""
    given = variables["input"]
    quantity = given["quantity"]
    subscription_id = ids.decode(given["subscriptionId"], "Subscription")
    person = await viewer(db, user_id, now)
    key = IdempotentRequest.of(
        user_id,
        given.get("idempotencyKey"),
        Operation.CHANGE_QUANTITY,
        subscription_id=subscription_id,
        quantity=quantity,
        expected_quantity=given.get("expectedQuantity"),
    )
    try:
        async with db.writing() as connection:
            # services.persistence.locks.lock_account_of: the account's lock.
            account_id = sa.select(Subscription.account_id).where(
                Subscription.id == subscription_id
            )
            locked = (
                select_records(Subscription)
                .where(Subscription.account_id == account_id.scalar_subquery())
                .order_by(Subscription.id)
                .with_for_update()
            )
            rows = (await connection.execute(locked)).all() if subscription_id else []
            account = [SubscriptionRecord._make(row) for row in rows]
            subscription = next((s for s in account if s.id == subscription_id), None)
            if subscription is None:
                raise not_found(Subject.SUBSCRIPTION)
            if any(is_due(s, now) for s in account):
                # The server would bill it first; the bench data is billed up to now.
                raise RuntimeError("a billing boundary passed during the benchmark")
            require_admin(person, subscription.account_id, Subject.SUBSCRIPTION)
            if key is not None:
                await claim(connection, key, now)
            plan = plan_for(subscription.plan_code)
            plan.check_quantity(quantity)
            old = subscription.quantity
            if quantity == old:
                raise Refused(
                    Reason.QUANTITY_UNCHANGED,
                    f"The subscription already has {plan.units(quantity)}.",
                    Subject.QUANTITY,
                )
            change = price_change(plan, billing_state(subscription), quantity, now)
            line = None
            if change.line is not None:
                inserted = await connection.execute(
                    LINES.insert().values(
                        subscription_id=subscription.id,
                        invoice_id=None,
                        created_at=now,
                        **change.line.fields(),
                    )
                )
                line = InvoiceLineRecord(
                    id=inserted.inserted_primary_key[0],
                    subscription_id=subscription.id,
                    invoice_id=None,
                    created_at=now,
                    **change.line.fields(),
                )
            # The ORM's order (unit of work): the new line, then the subscription.
            await connection.execute(
                SUBSCRIPTIONS.update()
                .where(SUBSCRIPTIONS.c.id == subscription.id)
                .values(quantity=quantity)
            )
            await connection.execute(
                CHANGES.insert().values(
                    account_id=subscription.account_id,
                    subscription_id=subscription.id,
                    user_id=user_id,
                    action=ChangeAction.QUANTITY_CHANGED,
                    old_quantity=old,
                    new_quantity=quantity,
                    proration_amount=change.proration_amount,
                    channel_name=None,
                    occurred_at=now,
                    request_id=uuid.uuid4().hex,  # the server's RequestId middleware
                )
            )
            still = (
                InvoiceLine.subscription_id == subscription.id,
                InvoiceLine.invoice_id.is_(None),
            )
            totals = (
                sa.select(sa.func.sum(InvoiceLine.amount), sa.func.count()).where(*still).subquery()
            )
            pending = await connection.execute(
                select_records(InvoiceLine)
                .add_columns(*totals.c)
                .join(totals, sa.true())
                .where(*still)
                .order_by(InvoiceLine.id)
                .limit(PENDING_LINES_KEPT)
            )
            lines = tuple(InvoiceLineRecord._make(row[:-2]) for row in pending)
            changed = Changed(subscription._replace(quantity=quantity), Pending.of(lines))
            if key is not None:
                outcome = QuantityChanged(changed, line, old)
                await connection.execute(
                    KEYS.update()
                    .where(KEYS.c.user_id == key.user_id, KEYS.c.key == key.key)
                    .values(outcome=json.dumps(outcome.to_json()))
                )
            if not db.is_sqlite:
                # Database.transaction's last statement (services.persistence.notify):
                # the change goes out to every instance with the commit.
                event = AccountEvent(
                    EventKind.QUANTITY_CHANGED,
                    subscription.account_id,
                    now,
                    subscription_id=subscription.id,
                )
                payload = json.dumps([event.to_json()], separators=(",", ":"))
                await connection.execute(sa.select(sa.func.pg_notify(CHANNEL, payload)))
    except Refused as error:
        return _refused(error)
    upcoming = upcoming_invoice(changed.subscription, changed.pending.lines, now)
    return {
        "updateQuantity": {
            "subscription": {
                "id": ids.encode("Subscription", subscription.id),
                "quantity": quantity,
                "monthlyCost": money(plan.monthly_cost(quantity)),
                "messagingAllowance": plan.messaging_allowance(quantity),
                "upcomingInvoice": {"total": money(upcoming.total)},
            },
            "prorationLine": line_json(change.line) if change.line is not None else None,
            "errors": [],
        }
    }


async def claim(connection: AsyncConnection, key: IdempotentRequest, now: datetime) -> None:
    """services.idempotency.claim. The bench never repeats a key, so a key already
    taken is refused rather than replayed."""
    mine = (KEYS.c.user_id == key.user_id, KEYS.c.key == key.key)
    await connection.execute(KEYS.delete().where(*mine, KEYS.c.created_at < now - KEY_RETENTION))
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(KEYS)
        .values(
            user_id=key.user_id,
            key=key.key,
            operation=key.operation,
            fingerprint=key.fingerprint,
            outcome="",
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(KEYS.c.key)
    )
    if (await connection.execute(statement)).first() is None:
        raise Refused(Reason.IDEMPOTENCY_KEY_REUSED, "This idempotency key was already used.")
