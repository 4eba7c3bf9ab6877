"""Accounts (workspaces) and what is derived from their subscriptions."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog import PLANS, Plan, plan_for
from services.persistence.tables import Account, Subscription


def invoice_prefix(name: str, account_id: int) -> str:
    """Up to four letters of the name and the account's id: "ACME001". The id makes it
    unique where two accounts share a name's first letters (Acme Support, Acme Labs)."""
    letters = "".join(ch for ch in name.upper() if "A" <= ch <= "Z")[:4] or "ACCT"
    return f"{letters}{account_id:03d}"


async def create_account(session: AsyncSession, name: str, now: datetime) -> Account:
    account = Account(name=name, created_at=now)
    session.add(account)
    await session.flush()
    account.invoice_prefix = invoice_prefix(name, account.id)
    await session.flush()
    return account


def available_plans(subscriptions: Sequence[Subscription]) -> list[Plan]:
    """ "Expand Your Integration": the catalog's plans the account does not have yet."""
    taken = {subscription.plan_code for subscription in subscriptions}
    return [plan for plan in PLANS if plan.code not in taken]


def messaging_allowance(subscriptions: Sequence[Subscription]) -> int:
    return sum(plan_for(s.plan_code).messaging_allowance(s.quantity) for s in subscriptions)
