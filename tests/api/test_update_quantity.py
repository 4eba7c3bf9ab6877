"""updateQuantity (SPEC §3, §5, §6): the new quantity applies at once, an ACTIVE change
adds one proration line, refusals carry a code and a field and write nothing."""

import pytest
from strawberry.relay import GlobalID

from tests.api.lookups import acme_omnichannel_id, acme_support_id, globex_whatsapp_id
from tests.support.operations import SUBSCRIPTION_BY_ID, UPDATE_QUANTITY
from tests.support.people import ADA, GUS, MAX
from tests.support.refusals import assert_refused
from tests.support.snapshot import count


async def update(api, subscription_id, quantity, *, as_user=ADA, **extra):
    variables = {"input": {"subscriptionId": subscription_id, "quantity": quantity, **extra}}
    return (await api.data(UPDATE_QUANTITY, variables, as_user=as_user))["updateQuantity"]


def amounts(invoice) -> list[tuple[str, int, str]]:
    return [(line["kind"], line["quantity"], line["amount"]["amount"]) for line in invoice["lines"]]


# Success while ACTIVE: Acme's Omnichannel x3, period Nov 1 -> Dec 1, now Nov 15 12:00.


async def test_update_applies_the_new_quantity_to_the_subscription_card_at_once(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await update(api, subscription_id, 5)

    assert result["errors"] == []
    card = result["subscription"]
    assert card["id"] == subscription_id
    assert card["quantity"] == 5
    assert card["status"] == "ACTIVE"
    assert card["monthlyCost"] == {"amount": "205.00", "currency": "USD", "formatted": "$205.00"}
    assert card["messagingAllowance"] == 5000
    assert card["currentPeriodStart"] == "2026-11-01T00:00:00Z"
    assert card["currentPeriodEnd"] == "2026-12-01T00:00:00Z"


async def test_update_returns_the_proration_line_for_the_rest_of_the_period(api):
    subscription_id = await acme_omnichannel_id(api)

    line = (await update(api, subscription_id, 5))["prorationLine"]

    assert line["kind"] == "PRORATION"
    assert line["quantity"] == 5
    assert line["amount"] == {"amount": "41.60", "currency": "USD", "formatted": "$41.60"}
    assert line["periodEnd"] == "2026-12-01T00:00:00Z"
    assert line["description"]


async def test_update_puts_the_proration_and_the_new_recurring_charge_on_the_upcoming_invoice(api):
    subscription_id = await acme_omnichannel_id(api)

    upcoming = (await update(api, subscription_id, 5))["subscription"]["upcomingInvoice"]

    assert upcoming["status"] == "UPCOMING"
    assert upcoming["number"] is None
    assert upcoming["issuedAt"] == "2026-12-01T00:00:00Z"
    assert (upcoming["periodStart"], upcoming["periodEnd"]) == (
        "2026-12-01T00:00:00Z",
        "2027-01-01T00:00:00Z",
    )
    assert amounts(upcoming) == [("PRORATION", 5, "41.60"), ("RECURRING", 5, "205.00")]
    assert upcoming["total"] == {"amount": "246.60", "currency": "USD", "formatted": "$246.60"}


async def test_update_is_persisted_for_the_next_read(api):
    subscription_id = await acme_omnichannel_id(api)
    await update(api, subscription_id, 5)

    card = (await api.data(SUBSCRIPTION_BY_ID, {"id": subscription_id}, as_user=MAX))[
        "subscription"
    ]

    assert card["quantity"] == 5
    assert card["monthlyCost"]["amount"] == "205.00"
    assert amounts(card["upcomingInvoice"]) == [
        ("PRORATION", 5, "41.60"),
        ("RECURRING", 5, "205.00"),
    ]


async def test_update_writes_exactly_one_invoice_line(api, db):
    subscription_id = await acme_omnichannel_id(api)
    lines_before = await count(db, "invoice_lines")

    await update(api, subscription_id, 5)

    assert await count(db, "invoice_lines") == lines_before + 1


async def test_decrease_gives_a_negative_proration_line_a_credit(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await update(api, subscription_id, 2)

    # (88.00 - 127.00) x 16 / 30 = -20.80
    assert result["prorationLine"]["amount"] == {
        "amount": "-20.80",
        "currency": "USD",
        "formatted": "-$20.80",
    }
    assert result["subscription"]["upcomingInvoice"]["total"]["amount"] == "67.20"


async def test_expected_quantity_equal_to_the_current_quantity_succeeds(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await update(api, subscription_id, 5, expectedQuantity=3)

    assert result["errors"] == []
    assert result["subscription"]["quantity"] == 5
    assert result["prorationLine"]["amount"]["amount"] == "41.60"


async def test_several_changes_in_a_period_give_a_line_each_priced_against_the_replaced_quantity(
    api,
):
    subscription_id = await acme_omnichannel_id(api)

    lines = []
    for quantity in (5, 4, 10):
        result = await update(api, subscription_id, quantity)
        assert result["errors"] == []
        lines.append(result["prorationLine"]["amount"]["amount"])

    # 3->5: (205-127) x 16/30 = 41.60; 5->4: (166-205) x 16/30 = -20.80;
    # 4->10: (400-166) x 16/30 = 124.80
    assert lines == ["41.60", "-20.80", "124.80"]
    upcoming = result["subscription"]["upcomingInvoice"]
    assert amounts(upcoming) == [
        ("PRORATION", 5, "41.60"),
        ("PRORATION", 4, "-20.80"),
        ("PRORATION", 10, "124.80"),
        ("RECURRING", 10, "400.00"),
    ]
    assert upcoming["total"]["amount"] == "545.60"


# While TRIALING: Globex's WhatsApp Business x2, trial ends 2026-11-20.


async def test_update_while_trialing_has_no_proration_line(api):
    subscription_id = await globex_whatsapp_id(api)

    result = await update(api, subscription_id, 4, as_user=GUS)

    assert result["errors"] == []
    assert result["prorationLine"] is None
    card = result["subscription"]
    assert card["quantity"] == 4
    assert card["status"] == "TRIALING"
    assert card["trialEndsAt"] == "2026-11-20T00:00:00Z"
    assert card["monthlyCost"]["amount"] == "116.00"


async def test_update_while_trialing_writes_no_pending_line(api, db):
    subscription_id = await globex_whatsapp_id(api)
    lines_before = await count(db, "invoice_lines")

    result = await update(api, subscription_id, 4, as_user=GUS)

    assert await count(db, "invoice_lines") == lines_before
    upcoming = result["subscription"]["upcomingInvoice"]
    assert upcoming["issuedAt"] == "2026-11-20T00:00:00Z"
    assert amounts(upcoming) == [("RECURRING", 4, "116.00")]
    assert upcoming["total"]["amount"] == "116.00"


# Refusals: a code, a field, and nothing written.


@pytest.mark.parametrize("quantity", [0, 51, -1])
async def test_quantity_outside_1_to_50_is_invalid_and_writes_nothing(api, db, quantity):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": quantity},
        "INVALID_QUANTITY",
        ["input", "quantity"],
    )


async def test_setting_the_current_quantity_is_unchanged_and_writes_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 3},
        "QUANTITY_UNCHANGED",
        ["input", "quantity"],
    )


async def test_stale_expected_quantity_is_a_conflict_and_writes_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 5, "expectedQuantity": 4},
        "QUANTITY_CONFLICT",
        ["input", "expectedQuantity"],
    )


async def test_expected_quantity_goes_stale_after_another_change(api, db):
    subscription_id = await acme_omnichannel_id(api)
    await update(api, subscription_id, 4, expectedQuantity=3)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 5, "expectedQuantity": 3},
        "QUANTITY_CONFLICT",
        ["input", "expectedQuantity"],
    )


async def test_a_member_who_is_not_an_admin_is_forbidden_and_nothing_changes(api, db):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 5},
        "FORBIDDEN",
        ["input", "subscriptionId"],
        as_user=MAX,
    )


async def test_a_non_member_gets_not_found(api, db):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 5},
        "NOT_FOUND",
        ["input", "subscriptionId"],
        as_user=GUS,
    )


async def test_a_malformed_id_is_not_found(api, db):
    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": "not-an-id", "quantity": 5},
        "NOT_FOUND",
        ["input", "subscriptionId"],
    )


async def test_an_account_id_as_subscription_id_is_not_found(api, db):
    account_id = await acme_support_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": account_id, "quantity": 5},
        "NOT_FOUND",
        ["input", "subscriptionId"],
    )


async def test_a_subscription_id_that_does_not_exist_is_not_found(api, db):
    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": str(GlobalID("Subscription", "424242")), "quantity": 5},
        "NOT_FOUND",
        ["input", "subscriptionId"],
    )


@pytest.mark.parametrize("number", ["3000000000", "99999999999999999999"])
async def test_a_subscription_id_with_an_out_of_range_number_is_not_found(api, db, number):
    """An opaque id is just unknown, even when its number would not fit a database integer."""
    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": str(GlobalID("Subscription", number)), "quantity": 5},
        "NOT_FOUND",
        ["input", "subscriptionId"],
    )
