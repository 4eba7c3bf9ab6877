"""The demo data (SPEC §8), relative to the server's clock at seeding time."""

import asyncio

import pytest

from services.demo import seed
from services.persistence.database import Database
from services.settings import parse_instant
from tests.api.lookups import account_ids
from tests.support.operations import ACCOUNT_DETAILS, ACME_SUBSCRIPTIONS, INVOICES
from tests.support.people import ADA, GUS
from tests.support.snapshot import count, snapshot


async def cards(api, as_user: str) -> dict[str, list[dict]]:
    data = await api.data(ACME_SUBSCRIPTIONS, as_user=as_user)
    return {
        m["account"]["name"]: m["account"]["subscriptions"] for m in data["viewer"]["memberships"]
    }


async def issued_invoices(api, account_name: str, as_user: str = ADA) -> list[dict]:
    account_id = (await account_ids(api, as_user))[account_name]
    data = await api.data(INVOICES, {"id": account_id}, as_user=as_user)
    return [edge["node"] for edge in data["account"]["invoices"]["edges"]]


async def test_acme_support_has_omnichannel_x3_active_for_this_month(api):
    [card] = (await cards(api, ADA))["Acme Support"]

    assert card["plan"]["code"] == "OMNICHANNEL"
    assert card["quantity"] == 3
    assert card["status"] == "ACTIVE"
    assert card["currentPeriodStart"] == "2026-11-01T00:00:00Z"
    assert card["currentPeriodEnd"] == "2026-12-01T00:00:00Z"
    assert card["upcomingInvoice"]["issuedAt"] == "2026-12-01T00:00:00Z"
    assert card["upcomingInvoice"]["lines"][0]["kind"] == "RECURRING"
    assert card["upcomingInvoice"]["total"]["amount"] == "127.00"


async def test_acme_supports_invoice_for_this_period_is_issued_and_numbered(api):
    [invoice] = await issued_invoices(api, "Acme Support")

    assert invoice["status"] == "ISSUED"
    assert isinstance(invoice["number"], str)
    assert invoice["number"].strip()
    assert invoice["issuedAt"] == "2026-11-01T00:00:00Z"
    assert (invoice["periodStart"], invoice["periodEnd"]) == (
        "2026-11-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
    )
    assert [
        (line["kind"], line["quantity"], line["amount"]["amount"]) for line in invoice["lines"]
    ] == [("RECURRING", 3, "127.00")]
    assert invoice["total"]["amount"] == "127.00"


async def test_globex_has_whatsapp_x2_trialing_since_two_days_ago(api):
    [card] = (await cards(api, GUS))["Globex"]

    assert card["plan"]["code"] == "WHATSAPP_BUSINESS"
    assert card["quantity"] == 2
    assert card["status"] == "TRIALING"
    # subscribed 2026-11-13 -> trial ends 00:00 UTC of Nov 13 + 7 days
    assert card["trialEndsAt"] == "2026-11-20T00:00:00Z"
    assert card["currentPeriodStart"] is None
    assert card["currentPeriodEnd"] is None
    assert card["upcomingInvoice"]["issuedAt"] == "2026-11-20T00:00:00Z"
    assert card["upcomingInvoice"]["total"]["amount"] == "58.00"


async def test_globex_has_no_issued_invoice_during_its_trial(api):
    assert await issued_invoices(api, "Globex", GUS) == []


async def test_acme_labs_has_no_subscription(api):
    labs_id = (await account_ids(api))["Acme Labs"]

    account = (await api.data(ACCOUNT_DETAILS, {"id": labs_id}))["account"]

    assert account["subscriptions"] == []
    assert account["invoices"]["edges"] == []
    assert account["messagingAllowance"] == 0


async def test_the_demo_data_holds_exactly_one_issued_invoice_and_no_pending_line(api, db):
    assert await count(db, "invoices") == 1
    assert await count(db, "invoice_lines") == 1  # the issued invoice's recurring line


@pytest.mark.parametrize(
    ("clock", "period", "trial_ends"),
    [
        (
            "2027-03-31T08:00:00Z",
            ("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"),
            "2027-04-05T00:00:00Z",  # subscribed Mar 29
        ),
        (
            "2028-02-29T23:00:00Z",
            ("2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"),
            "2028-03-05T00:00:00Z",  # subscribed Feb 27
        ),
        (
            "2027-01-01T00:00:00Z",
            ("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
            "2027-01-06T00:00:00Z",  # subscribed Dec 30
        ),
    ],
)
async def test_the_demo_data_is_relative_to_the_clock(apis, clock, period, trial_ends):
    api = await apis.start(clock=clock, seed=True)

    [acme] = (await cards(api, ADA))["Acme Support"]
    [globex] = (await cards(api, GUS))["Globex"]
    [invoice] = await issued_invoices(api, "Acme Support")

    assert (acme["status"], acme["currentPeriodStart"], acme["currentPeriodEnd"]) == (
        "ACTIVE",
        *period,
    )
    assert (invoice["periodStart"], invoice["periodEnd"]) == period
    assert invoice["issuedAt"] == period[0]
    assert (globex["status"], globex["trialEndsAt"]) == ("TRIALING", trial_ends)


async def test_seeding_twice_changes_nothing(api, db):
    before = await snapshot(db)

    seeded = await seed(db, parse_instant("2026-11-15T12:00:00Z"))

    assert seeded is False
    assert await snapshot(db) == before


async def test_seeding_again_at_a_later_clock_changes_nothing(api, db):
    before = await snapshot(db)

    await seed(db, parse_instant("2027-02-10T09:00:00Z"))

    assert await snapshot(db) == before


async def test_concurrent_seeds_insert_once_and_the_others_find_it_there(db, database_url):
    now = parse_instant("2026-11-15T12:00:00Z")
    others = [Database(database_url) for _ in range(3)]
    try:
        inserted = await asyncio.gather(seed(db, now), *(seed(other, now) for other in others))
    finally:
        for other in others:
            await other.dispose()

    assert sorted(inserted) == [False, False, False, True]
    assert await count(db, "users") == 3
    assert await count(db, "invoices") == 1
