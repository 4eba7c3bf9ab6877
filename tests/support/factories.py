"""Records made straight in the database, for scenarios the demo data does not cover."""

from datetime import datetime

from services.accounts import create_account
from services.billing.cycle import SubscriptionStatus
from services.billing.periods import trial_ends_at
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
    subscription = Subscription(
        account_id=account_id,
        plan_code=plan_code,
        quantity=quantity,
        status=SubscriptionStatus.TRIALING,
        subscribed_at=subscribed_at,
        trial_ends_at=trial_ends_at(subscribed_at, plan_for(plan_code).trial_days),
    )
    async with db.transaction() as session:
        session.add(subscription)
    return subscription
