"""Accounts (workspaces) and what is derived from their subscriptions."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services import queries
from services.billing.run import bill_accounts
from services.catalog import PLANS, Plan, plan_for
from services.persistence.database import Database
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


async def signed_in(db: Database, user_id: int, now: datetime) -> queries.SignedIn | None:
    """The user and their accounts, with every boundary passed in those accounts billed
    first, so that whatever a request reads of them (the card, the upcoming invoice, the
    invoices) tells one consistent story, even before the billing run (SPEC §4)."""
    found = await queries.viewer_with_accounts(db, user_id, now)
    if found is not None and found.unbilled_account_ids:
        await bill_accounts(db, found.unbilled_account_ids, now)
    return found


def available_plans(subscriptions: Sequence[Subscription]) -> list[Plan]:
    """ "Expand Your Integration": the catalog's plans the account does not have yet."""
    taken = {subscription.plan_code for subscription in subscriptions}
    return [plan for plan in PLANS if plan.code not in taken]


def messaging_allowance(subscriptions: Sequence[Subscription]) -> int:
    return sum(plan_for(s.plan_code).messaging_allowance(s.quantity) for s in subscriptions)
