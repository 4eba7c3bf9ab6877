"""Query.account: name, the viewer's role, subscriptions oldest first, available plans,
messaging allowance and issued invoices (SPEC §1, §4, §5)."""

import pytest

from tests.api.lookups import account_ids, acme_omnichannel_id
from tests.support.operations import (
    ACCOUNT_DETAILS,
    ADVANCE_CLOCK,
    INVOICES,
    SUBSCRIBE_PRODUCT,
    UPDATE_QUANTITY,
)
from tests.support.people import ADA, GUS, MAX

ALL_PLANS = {"OMNICHANNEL", "WHATSAPP_BUSINESS", "INSTAGRAM", "SLACK"}


async def account_of(api, name: str, as_user: str = ADA) -> dict:
    account_id = (await account_ids(api, as_user))[name]
    return (await api.data(ACCOUNT_DETAILS, {"id": account_id}, as_user=as_user))["account"]


async def subscribe(api, account_id: str, plan_code: str, quantity: int) -> None:
    variables = {"input": {"accountId": account_id, "planCode": plan_code, "quantity": quantity}}
    result = (await api.data(SUBSCRIBE_PRODUCT, variables))["subscribeProduct"]
    assert result["errors"] == []


@pytest.mark.parametrize(
    ("name", "user", "role"),
    [
        ("Acme Support", ADA, "ADMIN"),
        ("Acme Support", MAX, "MEMBER"),
        ("Acme Labs", ADA, "ADMIN"),
        ("Globex", GUS, "ADMIN"),
    ],
)
async def test_account_has_its_name_and_the_viewers_role(api, name, user, role):
    account = await account_of(api, name, user)

    assert account["name"] == name
    assert account["viewerRole"] == role


async def test_acme_support_lists_its_omnichannel_subscription(api):
    account = await account_of(api, "Acme Support")

    assert [(s["plan"]["code"], s["quantity"], s["status"]) for s in account["subscriptions"]] == [
        ("OMNICHANNEL", 3, "ACTIVE")
    ]


async def test_subscriptions_are_listed_oldest_first(api):
    account_id = (await account_ids(api))["Acme Support"]
    await subscribe(api, account_id, "SLACK", 1)
    await api.data(ADVANCE_CLOCK, {"to": "2026-11-15T13:00:00Z"})
    await subscribe(api, account_id, "INSTAGRAM", 1)

    account = await account_of(api, "Acme Support")

    assert [s["plan"]["code"] for s in account["subscriptions"]] == [
        "OMNICHANNEL",
        "SLACK",
        "INSTAGRAM",
    ]


@pytest.mark.parametrize(
    ("name", "user", "available"),
    [
        ("Acme Support", ADA, ALL_PLANS - {"OMNICHANNEL"}),
        ("Acme Labs", ADA, ALL_PLANS),
        ("Globex", GUS, ALL_PLANS - {"WHATSAPP_BUSINESS"}),
    ],
)
async def test_available_plans_are_the_plans_not_subscribed(api, name, user, available):
    account = await account_of(api, name, user)

    codes = [plan["code"] for plan in account["availablePlans"]]
    assert set(codes) == available
    assert len(codes) == len(available)


async def test_available_plans_are_empty_once_every_plan_is_subscribed(api):
    labs_id = (await account_ids(api))["Acme Labs"]
    for code in ("OMNICHANNEL", "WHATSAPP_BUSINESS", "INSTAGRAM", "SLACK"):
        await subscribe(api, labs_id, code, 1)

    account = await account_of(api, "Acme Labs")

    assert account["availablePlans"] == []
    assert len(account["subscriptions"]) == 4


@pytest.mark.parametrize(
    ("name", "user", "allowance"),
    [
        ("Acme Support", ADA, 3000),
        ("Globex", GUS, 2000),  # trialing subscriptions count
        ("Acme Labs", ADA, 0),
    ],
)
async def test_messaging_allowance_is_1000_per_unit(api, name, user, allowance):
    account = await account_of(api, name, user)

    assert account["messagingAllowance"] == allowance


async def test_messaging_allowance_sums_over_subscriptions_and_follows_quantity_changes(api):
    account_id = (await account_ids(api))["Acme Support"]
    await subscribe(api, account_id, "SLACK", 2)
    await subscribe(api, account_id, "INSTAGRAM", 4)
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, {"input": {"subscriptionId": subscription_id, "quantity": 5}})

    account = await account_of(api, "Acme Support")

    assert account["messagingAllowance"] == 11000  # (5 + 2 + 4) x 1000
    assert sorted(s["messagingAllowance"] for s in account["subscriptions"]) == [2000, 4000, 5000]


async def test_invoices_list_the_issued_invoice_of_the_current_period(api):
    account_id = (await account_ids(api))["Acme Support"]

    invoices = (await api.data(INVOICES, {"id": account_id}))["account"]["invoices"]

    [edge] = invoices["edges"]
    invoice = edge["node"]
    assert invoice["status"] == "ISSUED"
    assert invoice["number"]
    assert invoice["issuedAt"] == "2026-11-01T00:00:00Z"
    assert (invoice["periodStart"], invoice["periodEnd"]) == (
        "2026-11-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
    )
    assert invoice["total"] == {"amount": "127.00", "currency": "USD", "formatted": "$127.00"}
    assert invoices["pageInfo"]["hasNextPage"] is False


async def test_invoices_are_newest_first_after_billing_runs(api):
    account_id = (await account_ids(api))["Acme Support"]
    await api.data(ADVANCE_CLOCK, {"to": "2027-01-01T00:00:00Z"})

    invoices = (await api.data(INVOICES, {"id": account_id}))["account"]["invoices"]

    assert [edge["node"]["periodStart"] for edge in invoices["edges"]] == [
        "2027-01-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
        "2026-11-01T00:00:00Z",
    ]
    numbers = [edge["node"]["number"] for edge in invoices["edges"]]
    assert len(set(numbers)) == 3


@pytest.mark.parametrize(("name", "user"), [("Acme Labs", ADA), ("Globex", GUS)])
async def test_an_account_without_issued_invoices_has_an_empty_connection(api, name, user):
    account_id = (await account_ids(api, user))[name]

    invoices = (await api.data(INVOICES, {"id": account_id}, as_user=user))["account"]["invoices"]

    assert invoices["edges"] == []
    assert invoices["pageInfo"]["hasNextPage"] is False


async def test_a_subscription_id_is_not_an_account(api):
    subscription_id = await acme_omnichannel_id(api)

    assert await api.data(ACCOUNT_DETAILS, {"id": subscription_id}) == {"account": None}


async def test_a_malformed_account_id_gives_null(api):
    assert await api.data(ACCOUNT_DETAILS, {"id": "not-an-id"}) == {"account": None}
