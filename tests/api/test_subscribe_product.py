"""subscribeProduct (SPEC §2, §5, §6): a new product starts a fresh 7-day trial; one
subscription per plan; admins only; refusals write nothing."""

import pytest

from tests.api.lookups import account_ids, acme_support_id
from tests.support.operations import (
    ACCOUNT_DETAILS,
    SUBSCRIBE_PRODUCT,
    SUBSCRIBE_PRODUCT_DEFAULT_QUANTITY,
)
from tests.support.people import ADA, GUS, MAX
from tests.support.refusals import assert_refused


async def subscribe(api, account_id, plan_code, quantity, *, as_user=ADA) -> dict:
    variables = {"input": {"accountId": account_id, "planCode": plan_code, "quantity": quantity}}
    return (await api.data(SUBSCRIBE_PRODUCT, variables, as_user=as_user))["subscribeProduct"]


async def test_subscribing_starts_a_seven_day_trial_ending_at_midnight(api):
    account_id = await acme_support_id(api)

    result = await subscribe(api, account_id, "SLACK", 2)

    assert result["errors"] == []
    card = result["subscription"]
    assert card["plan"] == {"code": "SLACK", "name": "Slack"}
    assert card["quantity"] == 2
    assert card["status"] == "TRIALING"
    assert card["trialEndsAt"] == "2026-11-22T00:00:00Z"
    assert card["currentPeriodStart"] is None
    assert card["currentPeriodEnd"] is None
    assert card["monthlyCost"] == {"amount": "38.00", "currency": "USD", "formatted": "$38.00"}
    assert card["messagingAllowance"] == 2000
    assert card["viewerCanUpdate"] is True


async def test_upcoming_invoice_is_issued_at_trial_end_with_the_recurring_line_only(
    api,
):
    account_id = await acme_support_id(api)

    upcoming = (await subscribe(api, account_id, "SLACK", 2))["subscription"]["upcomingInvoice"]

    assert upcoming["status"] == "UPCOMING"
    assert upcoming["number"] is None
    assert upcoming["issuedAt"] == "2026-11-22T00:00:00Z"
    assert (upcoming["periodStart"], upcoming["periodEnd"]) == (
        "2026-11-22T00:00:00Z",
        "2026-12-22T00:00:00Z",
    )
    assert [
        (line["kind"], line["quantity"], line["amount"]["amount"]) for line in upcoming["lines"]
    ] == [("RECURRING", 2, "38.00")]
    assert upcoming["total"]["amount"] == "38.00"


async def test_the_subscribed_plan_leaves_available_plans_and_joins_the_subscriptions(api):
    account_id = await acme_support_id(api)

    await subscribe(api, account_id, "SLACK", 2)

    account = (await api.data(ACCOUNT_DETAILS, {"id": account_id}))["account"]
    assert {plan["code"] for plan in account["availablePlans"]} == {
        "WHATSAPP_BUSINESS",
        "INSTAGRAM",
    }
    assert [s["plan"]["code"] for s in account["subscriptions"]] == ["OMNICHANNEL", "SLACK"]
    assert account["messagingAllowance"] == 5000  # 3000 + 2000 (trialing included)


async def test_quantity_defaults_to_one(api):
    account_id = await acme_support_id(api)

    body = await api.data(
        SUBSCRIBE_PRODUCT_DEFAULT_QUANTITY, {"accountId": account_id, "planCode": "INSTAGRAM"}
    )

    result = body["subscribeProduct"]
    assert result["errors"] == []
    assert result["subscription"]["quantity"] == 1
    assert result["subscription"]["monthlyCost"]["amount"] == "19.00"


async def test_an_admin_subscribes_an_empty_account(api):
    labs_id = (await account_ids(api))["Acme Labs"]

    result = await subscribe(api, labs_id, "OMNICHANNEL", 3)

    assert result["errors"] == []
    assert result["subscription"]["status"] == "TRIALING"
    assert result["subscription"]["upcomingInvoice"]["total"]["amount"] == "127.00"


async def test_subscribing_to_a_plan_already_held_is_refused_and_writes_nothing(api, db):
    account_id = await acme_support_id(api)

    await assert_refused(
        api,
        db,
        SUBSCRIBE_PRODUCT,
        {"accountId": account_id, "planCode": "OMNICHANNEL", "quantity": 1},
        "ALREADY_SUBSCRIBED",
        ["input", "planCode"],
    )


async def test_subscribing_twice_to_the_same_new_plan_is_refused_the_second_time(api, db):
    account_id = await acme_support_id(api)
    await subscribe(api, account_id, "SLACK", 2)

    await assert_refused(
        api,
        db,
        SUBSCRIBE_PRODUCT,
        {"accountId": account_id, "planCode": "SLACK", "quantity": 3},
        "ALREADY_SUBSCRIBED",
        ["input", "planCode"],
    )


async def test_a_member_who_is_not_an_admin_is_forbidden(api, db):
    account_id = await acme_support_id(api)

    await assert_refused(
        api,
        db,
        SUBSCRIBE_PRODUCT,
        {"accountId": account_id, "planCode": "SLACK", "quantity": 2},
        "FORBIDDEN",
        ["input", "accountId"],
        as_user=MAX,
    )


async def test_a_non_member_gets_not_found(api, db):
    account_id = await acme_support_id(api)

    await assert_refused(
        api,
        db,
        SUBSCRIBE_PRODUCT,
        {"accountId": account_id, "planCode": "SLACK", "quantity": 2},
        "NOT_FOUND",
        ["input", "accountId"],
        as_user=GUS,
    )


async def test_a_malformed_account_id_is_not_found(api, db):
    await assert_refused(
        api,
        db,
        SUBSCRIBE_PRODUCT,
        {"accountId": "not-an-id", "planCode": "SLACK", "quantity": 2},
        "NOT_FOUND",
        ["input", "accountId"],
    )


@pytest.mark.parametrize("quantity", [0, 51])
async def test_a_quantity_outside_1_to_50_is_invalid(api, db, quantity):
    account_id = await acme_support_id(api)

    await assert_refused(
        api,
        db,
        SUBSCRIBE_PRODUCT,
        {"accountId": account_id, "planCode": "SLACK", "quantity": quantity},
        "INVALID_QUANTITY",
        ["input", "quantity"],
    )
