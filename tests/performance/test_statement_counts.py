"""The SQL an operation costs is fixed, whatever the amount of data behind it."""

from datetime import UTC, datetime

import pytest

from services.billing.run import run_billing
from services.persistence.statements import statements
from tests.support.factories import busy_admin
from tests.support.operations import client_operation

DASHBOARD = client_operation("Dashboard")
PREVIEW_COST = client_operation("PreviewCost")
UPDATE_QUANTITY = client_operation("UpdateQuantity")
INVOICE_PRINT = client_operation("InvoicePrint")
SUBSCRIPTION_CHANNELS = client_operation("SubscriptionChannels")
CONNECT_CHANNEL = client_operation("ConnectChannel")
OWNER = "olga@busy.test"
SUBSCRIBED = datetime(2025, 1, 1, 9, tzinfo=UTC)


async def server_with_data(apis, db, *, accounts: int, months: int):
    """`accounts` accounts of 4 subscriptions, billed for `months` (up to 12) months, two
    of them with pending proration lines."""
    now = datetime(2025, months, 15, tzinfo=UTC)
    api = await apis.start(clock=now.isoformat())
    await busy_admin(db, OWNER, accounts, SUBSCRIBED)  # trials end Jan 8
    await run_billing(db, now)
    data = await api.data(DASHBOARD, as_user=OWNER)
    subscriptions = [
        subscription["id"]
        for membership in data["viewer"]["memberships"]
        for subscription in membership["account"]["subscriptions"]
    ]
    for subscription_id in subscriptions[:2]:
        change = {"input": {"subscriptionId": subscription_id, "quantity": 3}}
        assert (await api.data(UPDATE_QUANTITY, change, as_user=OWNER))["updateQuantity"][
            "prorationLine"
        ]
    return api, subscriptions


def rate_limit_statements(db) -> int:
    """A preview or a change spends a rate-limit token: one statement on PostgreSQL,
    where the buckets are shared by every instance; none on SQLite, whose single
    process keeps them in memory (services/rate_limits.py)."""
    return 0 if db.is_sqlite else 1


SIZES = {"small": {"accounts": 1, "months": 3}, "large": {"accounts": 13, "months": 12}}


@pytest.mark.parametrize("size", SIZES)
async def test_the_dashboard_costs_four_statements(apis, db, size):
    api, subscriptions = await server_with_data(apis, db, **SIZES[size])

    with statements(api.app.state.db.engine) as sent:
        data = await api.data(DASHBOARD, {"invoicesFirst": 20}, as_user=OWNER)

    accounts = data["viewer"]["memberships"]
    assert len(accounts) == SIZES[size]["accounts"]
    assert len(subscriptions) == 4 * SIZES[size]["accounts"]
    invoices = sum(len(m["account"]["invoices"]["edges"]) for m in accounts)
    assert invoices == min(SIZES[size]["months"] * 4, 20) * SIZES[size]["accounts"]
    assert len(sent) == 4, "\n\n".join(sent)


@pytest.mark.parametrize("size", SIZES)
async def test_a_preview_costs_two_statements(apis, db, size):
    api, subscriptions = await server_with_data(apis, db, **SIZES[size])

    with statements(api.app.state.db.engine) as sent:
        await api.data(
            PREVIEW_COST, {"subscriptionId": subscriptions[-1], "quantity": 7}, as_user=OWNER
        )

    assert len(sent) == 2 + rate_limit_statements(db), "\n\n".join(sent)
    # The pending lines count by their total, summed by the database: the answer does
    # not grow with them (a script's 1,600 changes once cut throughput from 145 to 60/s).
    assert not any("invoice_lines.description" in statement for statement in sent)


@pytest.mark.parametrize("size", SIZES)
async def test_a_quantity_change_costs_a_fixed_number_of_statements(apis, db, size):
    api, subscriptions = await server_with_data(apis, db, **SIZES[size])
    change = {"input": {"subscriptionId": subscriptions[-1], "quantity": 9, "idempotencyKey": "k"}}

    with statements(api.app.state.db.engine) as sent:
        result = await api.data(UPDATE_QUANTITY, change, as_user=OWNER)

    assert result["updateQuantity"]["prorationLine"]["quantity"] == 9
    # viewer; the account locked; key claimed; subscription, line and audit written; the
    # pending lines of its upcoming invoice; the key's outcome; and on PostgreSQL the
    # rate-limit token and the NOTIFY that tells every instance's live subscribers.
    notify = 0 if db.is_sqlite else 1
    assert len(sent) == 9 + rate_limit_statements(db) + notify, "\n\n".join(sent)


@pytest.mark.parametrize("size", SIZES)
async def test_a_printable_invoice_costs_a_fixed_number_of_statements(apis, db, size):
    api, _subscriptions = await server_with_data(apis, db, **SIZES[size])
    dashboard = await api.data(DASHBOARD, {"invoicesFirst": 1}, as_user=OWNER)
    invoice_id = dashboard["viewer"]["memberships"][0]["account"]["invoices"]["edges"][0]["node"][
        "id"
    ]

    with statements(api.app.state.db.engine) as sent:
        data = await api.data(INVOICE_PRINT, {"id": invoice_id}, as_user=OWNER)

    assert data["node"]["number"]
    # viewer with memberships; the invoice; its subscription (with pending lines); its lines
    assert len(sent) == 4, "\n\n".join(sent)


@pytest.mark.parametrize("size", SIZES)
async def test_the_connected_channels_cost_three_statements(apis, db, size):
    """The page reads them when a subscription's details open, not with the dashboard,
    which keeps its four statements: the card needs only `connectedUnits`."""
    api, subscriptions = await server_with_data(apis, db, **SIZES[size])
    names = ["Support inbox", "Sales chat"]  # every slot of one subscription
    for subscription_id in subscriptions:
        for name in names:
            connect = {"input": {"subscriptionId": subscription_id, "name": name}}
            answer = await api.data(CONNECT_CHANNEL, connect, as_user=OWNER)
            assert answer["connectChannel"]["errors"] == []

    with statements(api.app.state.db.engine) as sent:
        data = await api.data(
            SUBSCRIPTION_CHANNELS, {"subscriptionId": subscriptions[-1]}, as_user=OWNER
        )

    assert [channel["name"] for channel in data["subscription"]["channels"]] == names
    # viewer with memberships; the subscription; its channels
    assert len(sent) == 3, "\n\n".join(sent)
