"""The demo data of SPEC §8, relative to the clock at seeding time."""

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import select

from services.accounts import create_account
from services.billing.periods import midnight
from services.billing.run import run_billing
from services.catalog import PlanCode, plan_for
from services.channels import attach
from services.permissions import Role
from services.persistence.database import Database
from services.persistence.tables import Membership, Subscription, User

USERS = {
    "ada@acme.test": "Ada Lovelace",
    "max@acme.test": "Max Planck",
    "gus@globex.test": "Gus Grissom",
}


# Seeds wait for one another, so the second finds the first's data instead of inserting
# the same users again (SQLite's writers already do: BEGIN IMMEDIATE).
SEED_LOCK = 0x5EED


async def seed(db: Database, now: datetime) -> bool:
    """Insert the demo data; False (and nothing written) if it is already there."""
    today = now.date()
    first_of_month = midnight(today.replace(day=1))
    async with db.transaction() as session:
        if not db.is_sqlite:
            await session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=SEED_LOCK))
        if (await session.exec(select(User).where(User.email == "ada@acme.test"))).first():
            return False
        users = {email: User(email=email, name=name) for email, name in USERS.items()}
        session.add_all(users.values())
        acme = await create_account(session, "Acme Support", now)
        globex = await create_account(session, "Globex", now)
        labs = await create_account(session, "Acme Labs", now)
        await session.flush()
        session.add_all(
            [
                Membership(user_id=users["ada@acme.test"].id, account_id=acme.id, role=Role.ADMIN),
                Membership(user_id=users["max@acme.test"].id, account_id=acme.id, role=Role.MEMBER),
                Membership(
                    user_id=users["gus@globex.test"].id, account_id=globex.id, role=Role.ADMIN
                ),
                Membership(user_id=users["ada@acme.test"].id, account_id=labs.id, role=Role.ADMIN),
            ]
        )
        # A trial that ended on the 1st: billing it below starts this month's period and
        # issues its invoice through the same code as every other invoice.
        omnichannel = plan_for(PlanCode.OMNICHANNEL)
        trial_start = first_of_month - timedelta(days=omnichannel.trial_days)
        support = Subscription.new_trial(acme.id, omnichannel, 3, trial_start)
        whatsapp = plan_for(PlanCode.WHATSAPP_BUSINESS)
        two_days_ago = midnight(today - timedelta(days=2))
        numbers = Subscription.new_trial(globex.id, whatsapp, 2, two_days_ago)
        session.add_all([support, numbers])
        await session.flush()
        await attach(session, support, "Support inbox", trial_start)
        await attach(session, numbers, "+1 555 0100", two_days_ago)
    await run_billing(db, now)
    return True
