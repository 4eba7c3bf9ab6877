"""SPEC §3's example, end to end over HTTP: Omnichannel 3 → 5 on 2026-11-15, then 5 → 4."""

from tests.support.operations import ACME_SUBSCRIPTIONS, PREVIEW_COST, UPDATE_QUANTITY


async def omnichannel_id(api) -> str:
    data = await api.data(ACME_SUBSCRIPTIONS)
    account = data["viewer"]["memberships"][0]["account"]
    return account["subscriptions"][0]["id"]


async def test_upgrade_from_3_to_5_channels_charges_41_60(api):
    subscription_id = await omnichannel_id(api)

    preview = (await api.data(PREVIEW_COST, {"id": subscription_id, "quantity": 5}))["previewCost"]
    assert preview["currentMonthlyCost"]["amount"] == "127.00"
    assert preview["newMonthlyCost"]["amount"] == "205.00"
    assert preview["prorationAmount"] == {
        "amount": "41.60",
        "currency": "USD",
        "formatted": "$41.60",
    }
    assert (preview["remainingDays"], preview["daysInPeriod"]) == (16, 30)
    assert preview["nextInvoiceTotal"]["amount"] == "246.60"
    assert preview["changed"] is True
    assert preview["messagingAllowance"] == 5000

    result = (
        await api.data(
            UPDATE_QUANTITY, {"input": {"subscriptionId": subscription_id, "quantity": 5}}
        )
    )["updateQuantity"]
    assert result["errors"] == []
    assert result["subscription"]["quantity"] == 5
    assert result["prorationLine"]["kind"] == "PRORATION"
    assert result["prorationLine"]["amount"]["amount"] == preview["prorationAmount"]["amount"]
    assert result["subscription"]["upcomingInvoice"]["total"]["amount"] == "246.60"


async def test_then_down_to_4_the_same_day_credits_20_80(api):
    subscription_id = await omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, {"input": {"subscriptionId": subscription_id, "quantity": 5}})

    preview = (await api.data(PREVIEW_COST, {"id": subscription_id, "quantity": 4}))["previewCost"]
    result = (
        await api.data(
            UPDATE_QUANTITY, {"input": {"subscriptionId": subscription_id, "quantity": 4}}
        )
    )["updateQuantity"]

    assert preview["prorationAmount"]["amount"] == "-20.80"
    assert preview["prorationAmount"]["formatted"] == "-$20.80"
    assert result["prorationLine"]["amount"]["amount"] == "-20.80"
    upcoming = result["subscription"]["upcomingInvoice"]
    assert [line["amount"]["amount"] for line in upcoming["lines"]] == ["41.60", "-20.80", "166.00"]
    assert upcoming["total"]["amount"] == preview["nextInvoiceTotal"]["amount"] == "186.80"
