"""Records made straight in the database, for scenarios the demo data does not cover."""

from datetime import datetime

from sqlmodel import select

from services.accounts import create_account
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
