"""Connected channels (SPEC §9) on the page: the slots on the card, the list in the
details, Connect and Disconnect for admins, their refusals as messages, and a count
below the connected channels that cannot be sent."""

import pytest
from playwright.sync_api import expect

from services.idempotency import Operation
from tests.browser.conftest import PHONE
from tests.browser.support import stored
from tests.browser.ui import (
    card,
    channels,
    connect,
    fact,
    inputs_sent,
    open_details,
    pick,
    scrolls_sideways,
    serious_accessibility_violations,
    shot,
    sign_in,
    update_button,
)
from tests.support.people import ADA, MAX

pytestmark = pytest.mark.browser


def done(region):
    """What became of the last Connect or Disconnect, when it went through."""
    return region.get_by_role("status").filter(has_text="onnected")


def test_ada_connects_a_channel_and_disconnects_another(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    connects, disconnects = (
        inputs_sent(page, "ConnectChannel"),
        inputs_sent(page, "DisconnectChannel"),
    )
    omnichannel = card(page, "Omnichannel")
    expect(omnichannel).to_contain_text("1 of 3 channels connected")
    details = open_details(page, "Omnichannel")
    region = channels(details)
    expect(region).to_contain_text("1 of 3 channels connected")
    expect(region.get_by_role("listitem")).to_have_text(
        ["Support inbox connected Oct 25, 2026 Disconnect"]
    )

    connect(details, "  Sales chat ")

    expect(done(region)).to_have_text("Connected “Sales chat”.")
    expect(region.get_by_role("listitem")).to_have_count(2)
    expect(region.get_by_role("listitem").last).to_contain_text("Sales chat connected Nov 15, 2026")
    expect(region.get_by_label("Channel name")).to_have_value("")
    expect(omnichannel).to_contain_text("2 of 3 channels connected")
    history = details.get_by_role("region", name="Change history")
    expect(history).to_contain_text("Connected “Sales chat”")
    shot(page, "channel-connected")

    region.get_by_role("button", name="Disconnect Support inbox").click()

    expect(region.get_by_role("status")).to_have_text(
        "Disconnected “Support inbox”: its slot is free."
    )
    expect(region.get_by_role("listitem")).to_have_count(1)
    expect(region.get_by_role("listitem")).to_contain_text("Sales chat")
    expect(omnichannel).to_contain_text("1 of 3 channels connected")
    expect(history).to_contain_text("Disconnected “Support inbox”")
    expect(done(region).locator("xpath=..")).to_be_focused()  # by the news

    held = stored(server.database_url)
    assert held["channels"] == [("WHATSAPP_BUSINESS", "+1 555 0100"), ("OMNICHANNEL", "Sales chat")]
    assert held["connected_units"] == [("OMNICHANNEL", 1), ("WHATSAPP_BUSINESS", 1)]
    assert [change[1] for change in held["changes"]] == [
        "CHANNEL_CONNECTED",
        "CHANNEL_DISCONNECTED",
    ]
    assert sorted(operation for operation, _ in held["idempotency_keys"]) == [
        Operation.CONNECT_CHANNEL,
        Operation.DISCONNECT_CHANNEL,
    ]
    assert [c["name"] for c in connects] == ["Sales chat"]  # trimmed, as the server keeps it
    assert len(disconnects) == 1
    assert connects[0]["idempotencyKey"] != disconnects[0]["idempotencyKey"]


def test_refusals_read_as_messages_and_a_count_below_the_channels_cannot_be_sent(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    details = open_details(page, "Omnichannel")
    region = channels(details)
    for name in ("Sales chat", "Billing desk"):
        connect(details, name)
        expect(done(region)).to_have_text(f"Connected “{name}”.")
    expect(card(page, "Omnichannel")).to_contain_text("3 of 3 channels connected")
    before = stored(server.database_url)

    connect(details, "Returns")  # every slot filled
    expect(region.get_by_role("alert")).to_have_text(
        "Every slot is filled: 3 of 3 channels connected. Raise the count in Update channel "
        "count first (or disconnect one), then choose Connect again."
    )
    expect(region.get_by_label("Channel name")).to_have_value("Returns")  # kept to try again

    connect(details, "support INBOX")  # taken, whatever its case
    expect(region.get_by_role("alert")).to_have_text(
        "“support INBOX” is already connected to Omnichannel. Give the new channel another name."
    )
    connect(details, "   ")
    expect(region.get_by_role("alert")).to_have_text(
        "Type the channel's name (1 to 100 characters), then choose Connect."
    )
    assert stored(server.database_url) == before  # refusals write nothing

    pick(details, 2)  # below the 3 connected channels

    expect(details).to_contain_text(fact("New monthly cost", "$88.00"))
    button = update_button(details)
    expect(button).to_be_disabled()
    units_in_use = (
        "3 channels are connected. Disconnect 1 of them under Connected channels first, "
        "then lower the count to 2."
    )
    expect(details.get_by_text(units_in_use)).to_be_visible()
    expect(button).to_have_accessible_description(units_in_use)
    shot(page, "units-in-use")
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size(PHONE)
    shot(page, "phone-units-in-use")
    assert not scrolls_sideways(page)

    region.get_by_role("button", name="Disconnect Billing desk").click()

    expect(details.get_by_text(units_in_use)).to_have_count(0)
    expect(button).to_be_enabled()
    button.click()
    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Omnichannel now has 2 channels for $88.00 a month. -$20.80 for 16 of 30 days"
    )
    expect(card(page, "Omnichannel")).to_contain_text("2 of 2 channels connected")
    assert stored(server.database_url)["changes"][-1][1:4] == ("QUANTITY_CHANGED", 3, 2)


def test_a_member_sees_the_channels_and_changes_none(new_page, shared_server):
    page = new_page()
    sign_in(page, shared_server, MAX)
    expect(card(page, "Omnichannel")).to_contain_text("1 of 3 channels connected")
    details = open_details(page, "Omnichannel")
    region = channels(details)

    expect(region.get_by_role("listitem")).to_have_text(["Support inbox connected Oct 25, 2026"])
    expect(region).to_contain_text("Only admins can connect and disconnect channels.")
    expect(region.get_by_role("button")).to_have_count(0)
    expect(region.get_by_role("textbox")).to_have_count(0)
    shot(page, "member-channels")
