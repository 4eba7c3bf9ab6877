"""Records made straight in the database, for scenarios the demo data does not cover."""

from datetime import datetime, timedelta

from sqlmodel import select

from services.accounts import create_account
from services.billing.cycle import BillingState, SubscriptionStatus, cross_boundary
from services.billing.periods import anchored_day, midnight
from services.catalog import PlanCode, plan_for
from services.permissions import Role
from services.persistence.database import Database
from services.persistence.tables import Account, Membership, Subscription, User


async def account_with_admin(db: Database, name: str, email: str, now: datetime) -> Account:
    async with db.transaction() as session:
        user = User(email=email, name=email.split("@")[0].title())
        session.add(user)
        account = await create_account(session, name, now)
        session.add(Membership(user_id=user.id, account_id=account.id, role=Role.ADMIN))
    return account


async def trialing_subscription(
    db: Database, account_id: int, plan_code: PlanCode, quantity: int, subscribed_at: datetime
) -> Subscription:
    """A subscription on its trial, as subscribeProduct makes it."""
    subscription = Subscription.new_trial(account_id, plan_for(plan_code), quantity, subscribed_at)
    async with db.transaction() as session:
        session.add(subscription)
    return subscription


async def trial_ending(
    db: Database, account_id: int, plan_code: PlanCode, quantity: int, ends_at: datetime
) -> Subscription:
    """A subscription whose trial ends at `ends_at` (a midnight), as subscribing a trial's
    length before made it."""
    plan = plan_for(plan_code)
    return await trialing_subscription(
        db, account_id, plan_code, quantity, ends_at - timedelta(days=plan.trial_days)
    )


async def active_subscription(
    db: Database,
    account_id: int,
    plan_code: PlanCode,
    quantity: int,
    period_start: datetime,
    anchor_day: int | None = None,
) -> Subscription:
    """A subscription in the paid period that starts at `period_start` (a midnight), its
    anchor `anchor_day` (default: that day), as billing would have left it; no invoices
    are made, so nothing is due before the period ends."""
    plan = plan_for(plan_code)
    anchor = anchor_day or period_start.day
    trial_end = midnight(anchored_day(period_start.year, period_start.month, anchor))
    state = cross_boundary(
        BillingState(SubscriptionStatus.TRIALING, quantity, trial_end, billing_anchor_day=anchor)
    )
    while state.current_period_start < period_start:
        state = cross_boundary(state)
    if state.current_period_start != period_start:
        raise ValueError(f"{period_start} starts no period anchored on day {anchor}")
    subscription = Subscription.new_trial(
        account_id, plan, quantity, trial_end - timedelta(days=plan.trial_days)
    )
    subscription.enter(state)
    async with db.transaction() as session:
        session.add(subscription)
    return subscription


async def busy_admin(db: Database, email: str, accounts: int, subscribed_at: datetime) -> User:
    """An admin of `accounts` accounts, each with every plan on trial from `subscribed_at`."""
    from services.catalog import PLANS

    for number in range(accounts):
        owner = email if number == 0 else f"{number}.{email}"
        account = await account_with_admin(db, f"Busy {number}", owner, subscribed_at)
        for plan in PLANS:
            await trialing_subscription(db, account.id, plan.code, 2, subscribed_at)
    async with db.transaction() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        others = await session.exec(
            select(Membership.account_id).where(Membership.user_id != user.id)
        )
        for account_id in others.all():
            session.add(Membership(user_id=user.id, account_id=account_id, role=Role.ADMIN))
    return user


async def set_role(db: Database, email: str, account_name: str, role: Role | None) -> None:
    """Promote, demote or (role None) remove a member, as an admin tool would."""
    async with db.transaction() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        account = (await session.exec(select(Account).where(Account.name == account_name))).one()
        membership = await session.get(Membership, (user.id, account.id))
        if role is None:
            await session.delete(membership)
        else:
            membership.role = role
            session.add(membership)
