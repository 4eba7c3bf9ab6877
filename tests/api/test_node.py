"""Query.node: every global id the API hands out resolves to its object; anything else is
null (SPEC §5; Relay's Node interface)."""

import base64

import pytest
from strawberry.relay import GlobalID

from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.support.operations import INVOICES, NODE, SUBSCRIPTION_BY_ID
from tests.support.people import ADA, MAX


async def node(api, node_id: str, as_user: str = ADA):
    return (await api.data(NODE, {"id": node_id}, as_user=as_user))["node"]


async def test_an_account_id_resolves_to_the_account(api):
    account_id = await acme_support_id(api)

    assert await node(api, account_id) == {
        "__typename": "Account",
        "id": account_id,
        "name": "Acme Support",
    }


async def test_a_subscription_id_resolves_to_the_subscription(api):
    subscription_id = await acme_omnichannel_id(api)

    assert await node(api, subscription_id) == {
        "__typename": "Subscription",
        "id": subscription_id,
        "quantity": 3,
        "plan": {"code": "OMNICHANNEL"},
    }


async def test_an_issued_invoice_id_resolves_to_the_issued_invoice(api):
    account_id = await acme_support_id(api)
    invoices = (await api.data(INVOICES, {"id": account_id}))["account"]["invoices"]
    issued = invoices["edges"][0]["node"]

    found = await node(api, issued["id"], as_user=MAX)

    assert found["__typename"] == "Invoice"
    assert found["id"] == issued["id"]
    assert found["status"] == "ISSUED"
    assert found["number"] == issued["number"]
    assert found["total"]["amount"] == "127.00"


async def test_the_upcoming_invoice_id_resolves_to_the_upcoming_invoice(api):
    subscription_id = await acme_omnichannel_id(api)
    card = (await api.data(SUBSCRIPTION_BY_ID, {"id": subscription_id}))["subscription"]
    upcoming_id = card["upcomingInvoice"]["id"]

    found = await node(api, upcoming_id)

    assert found == {
        "__typename": "Invoice",
        "id": upcoming_id,
        "status": "UPCOMING",
        "number": None,
        "total": {"amount": "127.00", "currency": "USD", "formatted": "$127.00"},
    }


async def test_the_upcoming_and_issued_invoice_ids_differ(api):
    account_id = await acme_support_id(api)
    invoices = (await api.data(INVOICES, {"id": account_id}))["account"]["invoices"]
    subscription_id = await acme_omnichannel_id(api)
    card = (await api.data(SUBSCRIPTION_BY_ID, {"id": subscription_id}))["subscription"]

    assert card["upcomingInvoice"]["id"] != invoices["edges"][0]["node"]["id"]


@pytest.mark.parametrize(
    "garbage",
    [
        "garbage",
        "",
        "QWNjb3VudA==",  # base64 of "Account" (no id)
        base64.b64encode(b"Nope:1").decode(),
        str(GlobalID("Account", "424242")),
        str(GlobalID("Subscription", "424242")),
        str(GlobalID("Invoice", "424242")),
        str(GlobalID("Invoice", "upcoming-424242")),
        str(GlobalID("Invoice", "upcoming-abc")),
        str(GlobalID("Subscription", "abc")),
    ],
)
async def test_garbage_gives_null(api, garbage):
    assert await node(api, garbage) is None


@pytest.mark.parametrize("type_name", ["Account", "Subscription", "Invoice"])
@pytest.mark.parametrize("number", ["3000000000", "99999999999999999999"])
async def test_an_id_whose_number_does_not_fit_a_database_integer_gives_null(
    api, type_name, number
):
    body = await api.gql(NODE, {"id": str(GlobalID(type_name, number))})

    assert body == {"data": {"node": None}}


async def test_an_upcoming_invoice_id_whose_number_does_not_fit_gives_null(api):
    body = await api.gql(NODE, {"id": str(GlobalID("Invoice", "upcoming-99999999999999999999"))})

    assert body == {"data": {"node": None}}
