"""Connected channels (SPEC §9): the quantity is the number of slots, a connected
channel fills one. Acme's Omnichannel has 3 slots and "Support inbox" connected; the
clock stands at 2026-11-15T12:00Z."""

import pytest
from strawberry.relay import GlobalID

from tests.api.lookups import acme_omnichannel_id, globex_whatsapp_id
from tests.support.operations import (
    CHANNEL_NODE,
    CHANNELS,
    CONNECT_CHANNEL,
    DISCONNECT_CHANNEL,
    PREVIEW_COST,
    UPDATE_QUANTITY,
)
from tests.support.people import ADA, GUS, MAX
from tests.support.refusals import assert_refused
from tests.support.snapshot import snapshot


async def connect(api, subscription_id, name, *, as_user=ADA, **extra) -> dict:
    variables = {"input": {"subscriptionId": subscription_id, "name": name, **extra}}
    return (await api.data(CONNECT_CHANNEL, variables, as_user=as_user))["connectChannel"]


async def disconnect(api, channel_id, *, as_user=ADA, **extra) -> dict:
    variables = {"input": {"channelId": channel_id, **extra}}
    return (await api.data(DISCONNECT_CHANNEL, variables, as_user=as_user))["disconnectChannel"]


async def channels_of(api, subscription_id, *, as_user=ADA) -> dict:
    return (await api.data(CHANNELS, {"id": subscription_id}, as_user=as_user))["subscription"]


def codes(payload) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def test_the_demo_data_has_one_channel_connected_on_each_subscription(api):
    acme = await channels_of(api, await acme_omnichannel_id(api))
    globex = await channels_of(api, await globex_whatsapp_id(api), as_user=GUS)

    assert (acme["quantity"], acme["connectedUnits"]) == (3, 1)
    assert [channel["name"] for channel in acme["channels"]] == ["Support inbox"]
    assert (globex["quantity"], globex["connectedUnits"]) == (2, 1)
    assert [channel["name"] for channel in globex["channels"]] == ["+1 555 0100"]


async def test_connecting_fills_a_slot_with_the_trimmed_name(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await connect(api, subscription_id, "  Sales chat \t")

    assert result["errors"] == []
    assert result["channel"]["name"] == "Sales chat"
    assert result["channel"]["connectedAt"] == "2026-11-15T12:00:00Z"
    assert result["channel"]["subscription"]["id"] == subscription_id
    assert result["subscription"]["connectedUnits"] == 2
    assert [c["name"] for c in result["subscription"]["channels"]] == [
        "Support inbox",
        "Sales chat",
    ]
    assert (await channels_of(api, subscription_id, as_user=MAX))["connectedUnits"] == 2


async def test_a_name_of_100_characters_after_trimming_is_accepted(api):
    subscription_id = await acme_omnichannel_id(api)

    result = await connect(api, subscription_id, " " + "x" * 100 + " ")

    assert result["errors"] == []
    assert result["channel"]["name"] == "x" * 100


@pytest.mark.parametrize(
    "name",
    ["", "   ", "x" * 101, "Support inbox", " SUPPORT INBOX ", "Sales\tchat", "Sales\x00chat"],
)
async def test_an_invalid_or_taken_name_is_refused_and_writes_nothing(api, db, name):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        CONNECT_CHANNEL,
        {"subscriptionId": subscription_id, "name": name},
        "INVALID_CHANNEL_NAME",
        ["input", "name"],
    )


async def test_connecting_with_every_slot_filled_is_refused(api, db):
    subscription_id = await acme_omnichannel_id(api)
    for name in ("Sales chat", "Billing desk"):
        assert (await connect(api, subscription_id, name))["errors"] == []

    message = await assert_refused(
        api,
        db,
        CONNECT_CHANNEL,
        {"subscriptionId": subscription_id, "name": "One too many"},
        "NO_FREE_SLOT",
        ["input", "subscriptionId"],
    )
    assert "3 channels" in message


async def test_the_checks_run_in_the_order_not_found_forbidden_name_slot(api, db):
    subscription_id = await acme_omnichannel_id(api)
    for name in ("Sales chat", "Billing desk"):
        await connect(api, subscription_id, name)
    full_and_taken = {"subscriptionId": subscription_id, "name": "sales CHAT"}

    await assert_refused(
        api, db, CONNECT_CHANNEL, full_and_taken, "NOT_FOUND", ["input", "subscriptionId"],
        as_user=GUS,
    )  # fmt: skip
    await assert_refused(
        api, db, CONNECT_CHANNEL, {**full_and_taken, "name": ""},
        "FORBIDDEN", ["input", "subscriptionId"], as_user=MAX,
    )  # fmt: skip
    await assert_refused(
        api, db, CONNECT_CHANNEL, full_and_taken, "INVALID_CHANNEL_NAME", ["input", "name"]
    )


@pytest.mark.parametrize(
    "subscription_id",
    ["not-an-id", str(GlobalID("Subscription", "424242")), str(GlobalID("Account", "1"))],
)
async def test_connecting_to_an_unknown_subscription_is_not_found(api, db, subscription_id):
    await assert_refused(
        api,
        db,
        CONNECT_CHANNEL,
        {"subscriptionId": subscription_id, "name": "Sales chat"},
        "NOT_FOUND",
        ["input", "subscriptionId"],
    )


async def test_disconnecting_frees_the_slot_and_the_channel_is_gone(api):
    subscription_id = await acme_omnichannel_id(api)
    [inbox] = (await channels_of(api, subscription_id))["channels"]

    result = await disconnect(api, inbox["id"])

    assert result["errors"] == []
    assert result["subscription"]["connectedUnits"] == 0
    assert result["subscription"]["channels"] == []
    assert (await api.data(CHANNEL_NODE, {"id": inbox["id"]}))["node"] is None
    again = await disconnect(api, inbox["id"])
    assert codes(again) == [("NOT_FOUND", ["input", "channelId"])]
    reused = await connect(api, subscription_id, "SUPPORT inbox")
    assert reused["errors"] == []


async def test_a_channel_is_a_node_for_members_only(api):
    [inbox] = (await channels_of(api, await acme_omnichannel_id(api)))["channels"]

    seen = (await api.data(CHANNEL_NODE, {"id": inbox["id"]}, as_user=MAX))["node"]
    hidden = (await api.data(CHANNEL_NODE, {"id": inbox["id"]}, as_user=GUS))["node"]

    assert seen == {"__typename": "Channel", "id": inbox["id"], "name": "Support inbox"}
    assert hidden is None


@pytest.mark.parametrize(("as_user", "code"), [(MAX, "FORBIDDEN"), (GUS, "NOT_FOUND")])
async def test_only_admins_of_the_account_disconnect(api, db, as_user, code):
    [inbox] = (await channels_of(api, await acme_omnichannel_id(api)))["channels"]

    await assert_refused(
        api, db, DISCONNECT_CHANNEL, {"channelId": inbox["id"]}, code, ["input", "channelId"],
        as_user=as_user,
    )  # fmt: skip


async def test_a_repeated_key_connects_once_and_answers_the_first_payload(api, db):
    subscription_id = await acme_omnichannel_id(api)
    first = await connect(api, subscription_id, "Sales chat", idempotencyKey="c-1")
    after_first = await snapshot(db)

    again = await connect(api, subscription_id, "Sales chat", idempotencyKey="c-1")

    assert again == first
    assert await snapshot(db) == after_first


async def test_a_repeated_disconnect_answers_the_first_payload_once_the_channel_is_gone(api, db):
    [inbox] = (await channels_of(api, await acme_omnichannel_id(api)))["channels"]
    first = await disconnect(api, inbox["id"], idempotencyKey="d-1")
    after_first = await snapshot(db)

    again = await disconnect(api, inbox["id"], idempotencyKey="d-1")

    assert again == first
    assert again["errors"] == []
    assert await snapshot(db) == after_first


# Quantity below the connected channels (UNITS_IN_USE)


async def test_a_quantity_below_the_connected_channels_is_refused_saying_how_many(api, db):
    subscription_id = await acme_omnichannel_id(api)
    for name in ("Sales chat", "Billing desk"):
        await connect(api, subscription_id, name)

    message = await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 1},
        "UNITS_IN_USE",
        ["input", "quantity"],
    )
    assert "Disconnect 2 channels first" in message


async def test_the_range_is_checked_before_the_connected_channels(api, db):
    subscription_id = await acme_omnichannel_id(api)

    await assert_refused(
        api,
        db,
        UPDATE_QUANTITY,
        {"subscriptionId": subscription_id, "quantity": 0},
        "INVALID_QUANTITY",
        ["input", "quantity"],
    )


async def test_a_preview_below_the_connected_channels_answers_and_says_it_is_blocked(api):
    subscription_id = await acme_omnichannel_id(api)
    await connect(api, subscription_id, "Sales chat")
    blocked = PREVIEW_COST.replace(
        "messagingAllowance", "messagingAllowance blockedByConnectedUnits"
    )

    low = await api.data(blocked, {"id": subscription_id, "quantity": 1})
    enough = await api.data(blocked, {"id": subscription_id, "quantity": 2})

    assert low["previewCost"]["blockedByConnectedUnits"] is True
    # Still priced: (49 − 127) × 16 / 30.
    assert low["previewCost"]["prorationAmount"]["amount"] == "-41.60"
    assert enough["previewCost"]["blockedByConnectedUnits"] is False


async def test_connecting_into_a_slot_just_added_by_raising_the_quantity(api):
    subscription_id = await acme_omnichannel_id(api)
    for name in ("Sales chat", "Billing desk"):
        await connect(api, subscription_id, name)
    change = {"input": {"subscriptionId": subscription_id, "quantity": 4}}
    assert (await api.data(UPDATE_QUANTITY, change))["updateQuantity"]["errors"] == []

    result = await connect(api, subscription_id, "Fourth")

    assert result["errors"] == []
    assert result["subscription"]["connectedUnits"] == 4
