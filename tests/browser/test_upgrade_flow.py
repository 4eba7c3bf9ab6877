"""The seed's flow, as a person does it: ada upgrades Omnichannel from 3 to 5 channels."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from services.idempotency import Operation
from tests.browser.support import stored
from tests.browser.ui import (
    card,
    fact,
    open_details,
    pick,
    serious_accessibility_violations,
    shot,
    sign_in,
    update_button,
)
from tests.support.people import ADA

pytestmark = pytest.mark.browser

PRORATION = "Omnichannel, 3 → 5 channels, prorated for 16 of 30 days"


def test_ada_upgrades_omnichannel_from_3_to_5_channels(new_page, server_on_each_database):
    server = server_on_each_database
    page = new_page()
    sign_in(page, server, ADA)

    omnichannel = card(page, "Omnichannel")
    expect(omnichannel).to_contain_text("3 channels")
    expect(omnichannel).to_contain_text("$127.00")
    expect(omnichannel).to_contain_text("renews Dec 1, 2026")
    details = open_details(page, "Omnichannel")
    expect(details).to_contain_text(fact("Registered Channels", "3 channels"))
    expect(update_button(details)).to_be_disabled()

    pick(details, 5)

    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    expect(details).to_contain_text(fact("Prorated charge", "$41.60 for 16 of 30 days"))
    expect(details).to_contain_text(fact("Next invoice total", "$246.60"))
    expect(update_button(details)).to_be_enabled()
    shot(page, "details-pick-5")

    update_button(details).click()

    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Omnichannel now has 5 channels for $205.00 a month. $41.60 for 16 of 30 days"
    )
    expect(omnichannel).to_contain_text("5 channels")
    expect(omnichannel).to_contain_text("$205.00")
    expect(details).to_contain_text(fact("Registered Channels", "5 channels"))
    expect(update_button(details)).to_be_disabled()
    history = details.get_by_role("region", name="Change history")
    expect(history).to_contain_text("3 channels → 5 · prorated $41.60")
    expect(history).to_contain_text("Ada Lovelace")
    upcoming = page.get_by_role("region", name="Invoices").get_by_role(
        "article", name=re.compile("Omnichannel: next invoice on Dec 1, 2026")
    )
    expect(upcoming.get_by_role("row", name=re.compile(re.escape(PRORATION)))).to_contain_text(
        "$41.60"
    )
    expect(upcoming.get_by_role("row", name=re.compile("Total"))).to_contain_text("$246.60")
    shot(page, "updated")
    assert serious_accessibility_violations(page) == []

    held = stored(server.database_url)
    assert [(s[0], s[1], s[2]) for s in held["subscriptions"]] == [
        ("Acme Support", "OMNICHANNEL", 5),
        ("Globex", "WHATSAPP_BUSINESS", 2),
    ]
    assert held["changes"] == [(ADA, "QUANTITY_CHANGED", 3, 5, Decimal("41.60"))]
    assert held["pending_lines"] == [("PRORATION", PRORATION, Decimal("41.60"))]
    assert [operation for operation, _key in held["idempotency_keys"]] == [
        Operation.CHANGE_QUANTITY
    ]
