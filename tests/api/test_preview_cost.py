"""previewCost (SPEC §3, §6): the same rules as updateQuantity at the same instant, and
nothing written. The clock stands at 2026-11-15T12:00Z, Acme's period is Nov 1 -> Dec 1."""

import pytest
from strawberry.relay import GlobalID

from services.catalog import PlanCode
from tests.api.lookups import acme_omnichannel_id, acme_support_id, globex_whatsapp_id
from tests.support.factories import account_with_admin, active_subscription
from tests.support.operations import PREVIEW_COST, UPDATE_QUANTITY
from tests.support.people import ADA, GUS, MAX
from tests.support.snapshot import snapshot
from tests.support.time import utc


def usd(amount: str) -> dict:
    formatted = f"-${amount[1:]}" if amount.startswith("-") else f"${amount}"
    return {"amount": amount, "currency": "USD", "formatted": formatted}


async def preview(api, subscription_id, quantity, *, as_user=ADA) -> dict:
    variables = {"id": subscription_id, "quantity": quantity}
    return (await api.data(PREVIEW_COST, variables, as_user=as_user))["previewCost"]


async def preview_error(api, subscription_id, quantity, *, as_user=ADA) -> dict:
    variables = {"id": subscription_id, "quantity": quantity}
    body = await api.gql(PREVIEW_COST, variables, as_user=as_user)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["previewCost"]
    return error


async def test_preview_of_an_upgrade_prices_the_rest_of_the_period(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await preview(api, subscription_id, 5)

    assert result == {
        "subscription": {"id": subscription_id, "quantity": 3},
        "currentQuantity": 3,
        "newQuantity": 5,
        "changed": True,
        "currentMonthlyCost": usd("127.00"),
        "newMonthlyCost": usd("205.00"),
        "prorationAmount": usd("41.60"),
        "remainingDays": 16,
        "daysInPeriod": 30,
        "nextInvoiceTotal": usd("246.60"),
        "messagingAllowance": 5000,
    }


async def test_preview_writes_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)
    before = await snapshot(db)

    await preview(api, subscription_id, 5)
    await preview(api, subscription_id, 1)

    assert await snapshot(db) == before


async def test_preview_of_the_same_quantity_is_unchanged_and_costs_nothing(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await preview(api, subscription_id, 3)

    assert result["changed"] is False
    assert result["prorationAmount"] == usd("0.00")
    assert result["newMonthlyCost"] == result["currentMonthlyCost"] == usd("127.00")
    assert result["nextInvoiceTotal"] == usd("127.00")
    assert result["messagingAllowance"] == 3000


async def test_preview_of_the_same_quantity_after_a_change_totals_the_current_upcoming_invoice(
    api,
):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, {"input": {"subscriptionId": subscription_id, "quantity": 5}})

    result = await preview(api, subscription_id, 5)

    assert (result["currentQuantity"], result["newQuantity"], result["changed"]) == (5, 5, False)
    assert result["prorationAmount"]["amount"] == "0.00"
    assert result["nextInvoiceTotal"]["amount"] == "246.60"  # 41.60 pending + 205.00


async def test_preview_while_trialing_is_free_with_no_days(api):
    subscription_id = await globex_whatsapp_id(api)

    result = await preview(api, subscription_id, 5, as_user=GUS)

    assert result == {
        "subscription": {"id": subscription_id, "quantity": 2},
        "currentQuantity": 2,
        "newQuantity": 5,
        "changed": True,
        "currentMonthlyCost": usd("58.00"),
        "newMonthlyCost": usd("145.00"),
        "prorationAmount": usd("0.00"),
        "remainingDays": None,
        "daysInPeriod": None,
        "nextInvoiceTotal": usd("145.00"),
        "messagingAllowance": 5000,
    }


@pytest.mark.parametrize("quantity", [0, 51, -1])
async def test_preview_of_a_quantity_outside_1_to_50_is_an_invalid_quantity_error(api, quantity):
    subscription_id = await acme_omnichannel_id(api)

    error = await preview_error(api, subscription_id, quantity)

    assert error["extensions"]["code"] == "INVALID_QUANTITY"


async def test_preview_of_a_malformed_id_is_a_not_found_error(api):
    error = await preview_error(api, "not-an-id", 2)

    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_preview_of_an_account_id_is_a_not_found_error(api):
    error = await preview_error(api, await acme_support_id(api), 2)

    assert error["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("number", ["424242", "3000000000", "99999999999999999999"])
async def test_preview_of_a_subscription_id_that_does_not_exist_is_a_not_found_error(api, number):
    error = await preview_error(api, str(GlobalID("Subscription", number)), 2)

    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_a_member_who_is_not_an_admin_may_preview(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await preview(api, subscription_id, 5, as_user=MAX)

    assert result["prorationAmount"]["amount"] == "41.60"
    assert result["nextInvoiceTotal"]["amount"] == "246.60"


async def test_a_non_member_gets_a_not_found_error(api):
    subscription_id = await acme_omnichannel_id(api)

    error = await preview_error(api, subscription_id, 5, as_user=GUS)

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "Acme" not in error["message"]


@pytest.mark.parametrize(
    ("quantity", "proration", "next_total"),
    [
        ("1", "-41.60", "7.40"),  # (49 - 127) x 16/30
        ("2", "-20.80", "67.20"),  # (88 - 127) x 16/30
        ("7", "83.20", "366.20"),  # (283 - 127) x 16/30
        ("50", "977.60", "2937.60"),  # (1960 - 127) x 16/30
    ],
)
async def test_preview_agrees_to_the_cent_with_the_update_that_follows(
    api, quantity, proration, next_total
):
    subscription_id = await acme_omnichannel_id(api)

    previewed = await preview(api, subscription_id, int(quantity))
    variables = {"input": {"subscriptionId": subscription_id, "quantity": int(quantity)}}
    updated = (await api.data(UPDATE_QUANTITY, variables))["updateQuantity"]

    assert previewed["prorationAmount"]["amount"] == proration
    assert updated["prorationLine"]["amount"]["amount"] == proration
    assert previewed["nextInvoiceTotal"]["amount"] == next_total
    assert updated["subscription"]["upcomingInvoice"]["total"]["amount"] == next_total
    assert previewed["newMonthlyCost"] == updated["subscription"]["monthlyCost"]
    assert previewed["messagingAllowance"] == updated["subscription"]["messagingAllowance"]


async def test_a_change_in_a_short_month_is_prorated_over_its_own_period(apis, db):
    """Anchored on the 31st: the period Feb 28 → Mar 31, 2027 has 31 days."""
    api = await apis.start(clock="2027-03-10T08:00:00Z")
    account = await account_with_admin(db, "Moonbase", "ann@moonbase.test", utc(2027, 1, 1))
    subscription = await active_subscription(
        db, account.id, PlanCode.SLACK, 3, utc(2027, 2, 28), anchor_day=31
    )
    subscription_id = str(GlobalID("Subscription", str(subscription.id)))

    result = await preview(api, subscription_id, 5, as_user="ann@moonbase.test")

    assert (result["remainingDays"], result["daysInPeriod"]) == (21, 31)
    assert result["prorationAmount"]["amount"] == "25.74"  # 38.00 × 21 / 31
