"""Who may see what (SPEC §5): any member reads everything of the account; to a
non-member the account and everything in it does not exist."""

import pytest

from tests.api.lookups import account_ids, acme_omnichannel_id, acme_support_id
from tests.support.operations import (
    ACCOUNT_DETAILS,
    ACME_SUBSCRIPTIONS,
    INVOICES,
    NODE,
    PREVIEW_COST,
    SUBSCRIPTION_BY_ID,
)
from tests.support.people import ADA, GUS, MAX


async def test_a_member_reads_the_account(api):
    account_id = await acme_support_id(api)

    account = (await api.data(ACCOUNT_DETAILS, {"id": account_id}, as_user=MAX))["account"]

    assert account["name"] == "Acme Support"
    assert account["viewerRole"] == "MEMBER"
    assert account["messagingAllowance"] == 3000
    assert [(s["plan"]["code"], s["quantity"]) for s in account["subscriptions"]] == [
        ("OMNICHANNEL", 3)
    ]


async def test_a_member_reads_a_subscription(api):
    subscription_id = await acme_omnichannel_id(api)

    card = (await api.data(SUBSCRIPTION_BY_ID, {"id": subscription_id}, as_user=MAX))[
        "subscription"
    ]

    assert card["quantity"] == 3
    assert card["upcomingInvoice"]["total"]["amount"] == "127.00"


async def test_a_member_reads_the_invoices(api):
    account_id = await acme_support_id(api)

    invoices = (await api.data(INVOICES, {"id": account_id}, as_user=MAX))["account"]["invoices"]

    assert [edge["node"]["total"]["amount"] for edge in invoices["edges"]] == ["127.00"]
    assert invoices["edges"][0]["node"]["status"] == "ISSUED"


async def test_a_member_previews_a_cost(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await api.data(PREVIEW_COST, {"id": subscription_id, "quantity": 4}, as_user=MAX)

    # (166 - 127) x 16 / 30 = 20.80
    assert result["previewCost"]["prorationAmount"]["amount"] == "20.80"


@pytest.mark.parametrize(("user", "can_update"), [(ADA, True), (MAX, False)])
async def test_viewer_can_update_is_true_for_admins_only(api, user, can_update):
    data = await api.data(ACME_SUBSCRIPTIONS, as_user=user)

    [membership] = [
        m for m in data["viewer"]["memberships"] if m["account"]["name"] == "Acme Support"
    ]
    [subscription] = membership["account"]["subscriptions"]
    assert subscription["viewerCanUpdate"] is can_update


async def test_viewer_can_update_is_true_for_the_globex_admin(api):
    data = await api.data(ACME_SUBSCRIPTIONS, as_user=GUS)

    [membership] = data["viewer"]["memberships"]
    assert [s["viewerCanUpdate"] for s in membership["account"]["subscriptions"]] == [True]


async def test_a_non_member_gets_null_for_the_account(api):
    account_id = await acme_support_id(api)

    data = await api.data(ACCOUNT_DETAILS, {"id": account_id}, as_user=GUS)

    assert data == {"account": None}


async def test_a_non_member_gets_null_for_the_invoices_query(api):
    account_id = await acme_support_id(api)

    data = await api.data(INVOICES, {"id": account_id}, as_user=GUS)

    assert data == {"account": None}


async def test_an_admin_of_other_accounts_gets_null_for_globex(api):
    globex_id = (await account_ids(api, as_user=GUS))["Globex"]

    data = await api.data(ACCOUNT_DETAILS, {"id": globex_id}, as_user=ADA)

    assert data == {"account": None}


async def test_a_non_member_gets_null_for_the_subscription(api):
    subscription_id = await acme_omnichannel_id(api)

    data = await api.data(SUBSCRIPTION_BY_ID, {"id": subscription_id}, as_user=GUS)

    assert data == {"subscription": None}


async def test_a_non_member_gets_null_for_the_account_node(api):
    account_id = await acme_support_id(api)

    data = await api.data(NODE, {"id": account_id}, as_user=GUS)

    assert data == {"node": None}


async def test_a_non_member_gets_null_for_the_subscription_node(api):
    subscription_id = await acme_omnichannel_id(api)

    data = await api.data(NODE, {"id": subscription_id}, as_user=GUS)

    assert data == {"node": None}


async def test_a_non_member_gets_null_for_an_issued_invoice_node(api):
    account_id = await acme_support_id(api)
    invoices = (await api.data(INVOICES, {"id": account_id}))["account"]["invoices"]
    invoice_id = invoices["edges"][0]["node"]["id"]

    data = await api.data(NODE, {"id": invoice_id}, as_user=GUS)

    assert data == {"node": None}


async def test_a_non_member_gets_null_for_an_upcoming_invoice_node(api):
    subscription_id = await acme_omnichannel_id(api)
    card = (await api.data(SUBSCRIPTION_BY_ID, {"id": subscription_id}))["subscription"]

    data = await api.data(NODE, {"id": card["upcomingInvoice"]["id"]}, as_user=GUS)

    assert data == {"node": None}
