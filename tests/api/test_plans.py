"""Query.plans and Query.now, which need no token (SPEC §1, §5, §7)."""

from datetime import UTC, datetime

import pytest

from tests.support.operations import NOW, PLAN_MONTHLY_COST, PLANS


def usd(amount: str) -> dict:
    return {"amount": amount, "currency": "USD", "formatted": f"${amount}"}


CATALOG = {
    "OMNICHANNEL": ("Omnichannel", "channel", "49.00", "39.00"),
    "WHATSAPP_BUSINESS": ("WhatsApp Business", "WhatsApp Business number", "29.00", "29.00"),
    "INSTAGRAM": ("Instagram", "Instagram account", "19.00", "19.00"),
    "SLACK": ("Slack", "Slack workspace", "19.00", "19.00"),
}


async def plans_by_code(api, query=PLANS, variables=None) -> dict[str, dict]:
    data = await api.data(query, variables, as_user=None)
    return {plan["code"]: plan for plan in data["plans"]}


async def test_plans_list_the_four_products(api):
    plans = await api.data(PLANS, as_user=None)

    assert sorted(plan["code"] for plan in plans["plans"]) == sorted(CATALOG)


@pytest.mark.parametrize("code", list(CATALOG))
async def test_each_plan_has_its_catalog_prices_as_decimal_strings(api, code):
    name, unit_label, first, additional = CATALOG[code]

    plan = (await plans_by_code(api))[code]

    assert plan == {
        "code": code,
        "name": name,
        "unitLabel": unit_label,
        "minQuantity": 1,
        "maxQuantity": 50,
        "trialDays": 7,
        "includedMessagesPerUnit": 1000,
        "firstUnitPrice": usd(first),
        "additionalUnitPrice": usd(additional),
    }


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (1, {"OMNICHANNEL": "49.00", "WHATSAPP_BUSINESS": "29.00", "INSTAGRAM": "19.00"}),
        (3, {"OMNICHANNEL": "127.00", "WHATSAPP_BUSINESS": "87.00", "SLACK": "57.00"}),
        (50, {"OMNICHANNEL": "1960.00", "WHATSAPP_BUSINESS": "1450.00", "SLACK": "950.00"}),
    ],
)
async def test_monthly_cost_is_first_unit_plus_additional_units(api, quantity, expected):
    plans = await plans_by_code(api, PLAN_MONTHLY_COST, {"quantity": quantity})

    for code, amount in expected.items():
        assert plans[code]["monthlyCost"]["amount"] == amount, code
        assert plans[code]["monthlyCost"]["currency"] == "USD", code


async def test_omnichannel_with_3_channels_costs_127(api):
    plans = await plans_by_code(api, PLAN_MONTHLY_COST, {"quantity": 3})

    assert plans["OMNICHANNEL"]["monthlyCost"] == usd("127.00")


async def test_large_amounts_are_formatted_with_a_thousands_separator(api):
    plans = await plans_by_code(api, PLAN_MONTHLY_COST, {"quantity": 50})

    assert plans["OMNICHANNEL"]["monthlyCost"] == {
        "amount": "1960.00",
        "currency": "USD",
        "formatted": "$1,960.00",
    }


@pytest.mark.parametrize("quantity", [0, 51, -3])
async def test_monthly_cost_of_a_quantity_outside_1_to_50_is_an_invalid_quantity_error(
    api, quantity
):
    body = await api.gql(PLAN_MONTHLY_COST, {"quantity": quantity}, as_user=None)

    assert body["data"] is None
    assert body["errors"]
    assert {error["extensions"]["code"] for error in body["errors"]} == {"INVALID_QUANTITY"}


async def test_now_is_the_test_clock(api):
    assert await api.data(NOW, as_user=None) == {"now": "2026-11-15T12:00:00Z"}


async def test_now_follows_another_test_clock(apis):
    api = await apis.start(clock="2027-02-28T23:59:59Z")

    assert await api.data(NOW, as_user=None) == {"now": "2027-02-28T23:59:59Z"}


@pytest.mark.no_twin(reason="the real clock moves between the app's answer and a twin's")
async def test_now_is_the_real_clock_without_a_test_clock(apis):
    api = await apis.start(clock=None)
    before = datetime.now(UTC).replace(microsecond=0)

    now = (await api.data(NOW, as_user=None))["now"]

    after = datetime.now(UTC)
    assert now.endswith(("Z", "+00:00"))
    assert before <= datetime.fromisoformat(now.replace("Z", "+00:00")) <= after
