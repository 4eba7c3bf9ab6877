"""Midnight at a boundary (SPEC §3, §4): instances whose clocks differ, a boundary whose
billing run has not happened yet, and invoice numbers that follow invoice dates.

Each test runs a second server instance on the same database with a clock of its own;
the test clock keeps the server's own billing run off, so nothing bills behind the
test's back."""

from strawberry.relay import GlobalID

from services.billing.run import run_billing
from services.catalog import PlanCode
from services.settings import parse_instant
from tests.api.lookups import account_ids, acme_omnichannel_id
from tests.support.factories import account_with_admin, trial_ending
from tests.support.operations import ACCOUNTS, ADVANCE, INVOICE_PAGE, SUBSCRIBE_PRODUCT
from tests.support.snapshot import count
from tests.support.time import utc

CHANGE = """
mutation Change($input: UpdateQuantityInput!) {
  updateQuantity(input: $input) {
    errors { code }
    prorationLine { amount { amount } description periodStart }
  }
}
"""
PREVIEW = """
query Preview($id: ID!, $quantity: Int!) {
  previewCost(subscriptionId: $id, quantity: $quantity) {
    prorationAmount { amount } remainingDays daysInPeriod
  }
}
"""


async def acme(api) -> dict:
    data = await api.data(ACCOUNTS)
    [found] = [
        m["account"]
        for m in data["viewer"]["memberships"]
        if m["account"]["name"] == "Acme Support"
    ]
    return found


async def invoices(api, account_id) -> list[dict]:
    data = await api.data(INVOICE_PAGE, {"id": account_id, "first": 100})
    return [edge["node"] for edge in data["account"]["invoices"]["edges"]]


async def test_a_slower_instance_prices_a_change_in_the_period_a_faster_one_billed(apis, db):
    slow = await apis.start(clock="2026-11-30T23:59:59Z", seed=True)
    subscription_id = await acme_omnichannel_id(slow)
    # A cron job on a machine whose clock runs three seconds ahead bills December.
    assert len(await run_billing(db, parse_instant("2026-12-01T00:00:02Z"))) == 1

    preview = (await slow.data(PREVIEW, {"id": subscription_id, "quantity": 5}))["previewCost"]
    change = {"input": {"subscriptionId": subscription_id, "quantity": 5}}
    result = (await slow.data(CHANGE, change))["updateQuantity"]

    # Priced from December's first day: the whole difference, 31 of 31 days.
    assert (preview["remainingDays"], preview["daysInPeriod"]) == (31, 31)
    assert preview["prorationAmount"]["amount"] == "78.00"
    assert result["errors"] == []
    assert result["prorationLine"]["amount"]["amount"] == "78.00"
    assert result["prorationLine"]["periodStart"] == "2026-12-01T00:00:00Z"


async def test_one_second_past_a_boundary_every_read_tells_the_same_story(apis, db):
    await apis.start(clock="2026-11-15T12:00:00Z", seed=True)
    later = await apis.start(clock="2026-12-01T00:00:01Z")
    invoices_before = await count(db, "invoices")

    found = await acme(later)
    [card] = found["subscriptions"]
    listed = await invoices(later, found["id"])

    assert (card["status"], card["currentPeriodStart"], card["currentPeriodEnd"]) == (
        "ACTIVE",
        "2026-12-01T00:00:00Z",
        "2027-01-01T00:00:00Z",
    )
    assert card["upcomingInvoice"]["issuedAt"] == "2027-01-01T00:00:00Z"
    assert listed[0]["periodStart"] == "2026-12-01T00:00:00Z"
    assert listed[0]["number"].endswith("-0002")
    assert await count(db, "invoices") == invoices_before + 1


async def test_invoice_numbers_follow_invoice_dates_within_an_account(apis):
    api = await apis.start(clock="2026-11-15T12:00:00Z", seed=True)
    support = (await account_ids(api))["Acme Support"]
    # A Slack trial ending Nov 22, beside Omnichannel's period ending Dec 1.
    await api.data(SUBSCRIBE_PRODUCT, {"input": {"accountId": support, "planCode": "SLACK"}})
    later = await apis.start(clock="2026-12-02T09:00:00Z")

    change = {"input": {"subscriptionId": await acme_omnichannel_id(later), "quantity": 5}}
    assert (await later.data(CHANGE, change))["updateQuantity"]["errors"] == []

    listed = await invoices(later, support)
    numbered = sorted((invoice["number"][-4:], invoice["issuedAt"]) for invoice in listed)
    assert numbered == [
        ("0001", "2026-11-01T00:00:00Z"),
        ("0002", "2026-11-22T00:00:00Z"),
        ("0003", "2026-12-01T00:00:00Z"),
    ]


async def test_a_trial_about_to_end_converts_at_midnight_with_its_invoice(apis, db):
    api = await apis.start(clock="2026-11-15T23:59:59Z")
    account = await account_with_admin(db, "Moonbase", "ann@moonbase.test", utc(2026, 11, 1))
    trial = await trial_ending(db, account.id, PlanCode.INSTAGRAM, 2, utc(2026, 11, 16))
    owner = "ann@moonbase.test"

    before = (await api.data(ACCOUNTS, as_user=owner))["viewer"]["memberships"][0]["account"]
    advanced = await api.data(ADVANCE, {"to": "2026-11-16T00:00:00Z"}, as_user=owner)
    after = (await api.data(ACCOUNTS, as_user=owner))["viewer"]["memberships"][0]["account"]

    assert before["subscriptions"][0]["status"] == "TRIALING"
    assert advanced["advanceTestClock"]["invoicesIssued"] == 1
    [card] = after["subscriptions"]
    assert card["id"] == str(GlobalID("Subscription", str(trial.id)))
    assert (card["status"], card["currentPeriodStart"], card["currentPeriodEnd"]) == (
        "ACTIVE",
        "2026-11-16T00:00:00Z",
        "2026-12-16T00:00:00Z",
    )
