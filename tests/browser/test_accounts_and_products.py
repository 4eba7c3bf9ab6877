"""Accounts and people: the account picker, signing out and in as someone else, a
session that ends, and a new product on its trial."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from services.idempotency import Operation
from tests.browser.support import stored
from tests.browser.ui import (
    HEADING,
    card,
    fact,
    open_details,
    pick,
    serious_accessibility_violations,
    shot,
    sign_in,
    update_button,
)
from tests.support.people import ADA, GUS

pytestmark = pytest.mark.browser


def test_ada_switches_accounts_then_gus_signs_in(new_page, shared_server):
    page = new_page()
    sign_in(page, shared_server, ADA)
    account = page.get_by_label("Account")
    expect(account.get_by_role("option")).to_have_text(["Acme Support", "Acme Labs"])
    expect(card(page, "Omnichannel")).to_be_visible()

    account.select_option(label="Acme Labs")

    active = page.get_by_role("region", name="Active Subscriptions")
    expect(active).to_contain_text("No subscriptions yet")
    expect(page.get_by_role("region", name="Invoices")).to_contain_text("No invoices issued yet")
    expand = page.get_by_role("region", name="Expand Your Integration")
    expect(expand.get_by_role("listitem")).to_have_count(4)
    shot(page, "empty-account")
    assert serious_accessibility_violations(page) == []
    account.select_option(label="Acme Support")
    expect(card(page, "Omnichannel")).to_contain_text("3 channels")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").filter(has_text="You have signed out.")).to_be_visible()
    sign_in(page, shared_server, GUS)

    expect(page.get_by_label("Account")).to_have_count(0)  # one account: no picker
    expect(page.get_by_text("Signed in as Gus Grissom")).to_be_visible()
    whatsapp = card(page, "WhatsApp Business")
    expect(whatsapp).to_contain_text("2 WhatsApp Business numbers")
    expect(whatsapp).to_contain_text("Trial ends Nov 20, 2026")
    expect(card(page, "Omnichannel")).to_have_count(0)
    expect(page.get_by_text("Acme")).to_have_count(0)
    details = open_details(page, "WhatsApp Business")
    pick(details, 3)
    expect(details).to_contain_text(fact("New monthly cost", "$87.00"))
    expect(details).to_contain_text(fact("Prorated charge", "$0.00: free during the trial"))
    shot(page, "trial-details")


def test_a_session_that_ends_goes_back_to_sign_in(new_page, shared_server):
    page = new_page()
    sign_in(page, shared_server, ADA)

    page.evaluate("sessionStorage.setItem('octopods.token', 'not-a-token')")
    page.reload()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    ended = page.get_by_role("status").filter(has_text="Your session has ended. Sign in again.")
    expect(ended).to_be_visible()


def test_a_host_hands_over_the_token_in_the_fragment(new_page, shared_server):
    page = new_page()

    page.goto(f"{shared_server.url}/#token={shared_server.token('max@acme.test')}")

    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    expect(page.get_by_text("Signed in as Max Planck")).to_be_visible()
    expect(page).to_have_url(f"{shared_server.url}/")  # the token left the address at once


def test_ada_subscribes_acme_labs_to_slack_on_a_trial(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    page.get_by_label("Account").select_option(label="Acme Labs")
    expand = page.get_by_role("region", name="Expand Your Integration")
    slack = expand.get_by_role("listitem", name="Slack")
    expect(slack).to_contain_text("$19.00 a month for the first Slack workspace")
    expect(slack).to_contain_text("7-day free trial")

    slack.get_by_role("button", name="Subscribe").click()

    expect(expand.get_by_role("status")).to_have_text(
        "Subscribed to Slack: see its card under Active Subscriptions. "
        "The free trial ends Nov 22, 2026."
    )
    new_card = card(page, "Slack")
    expect(new_card).to_contain_text("1 Slack workspace")
    expect(new_card).to_contain_text("Trial ends Nov 22, 2026")
    expect(new_card).to_contain_text("$19.00")
    expect(expand.get_by_role("listitem", name="Slack")).to_have_count(0)
    expect(expand.get_by_role("listitem")).to_have_count(3)
    upcoming = page.get_by_role("region", name="Invoices").get_by_role(
        "article", name=re.compile("Slack: next invoice on Nov 22, 2026")
    )
    expect(upcoming.get_by_role("row", name=re.compile("Total"))).to_contain_text("$19.00")
    shot(page, "subscribed")

    details = open_details(page, "Slack")
    pick(details, 2)
    expect(details).to_contain_text(fact("Prorated charge", "$0.00: free during the trial"))
    update_button(details).click()
    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Slack now has 2 Slack workspaces for $38.00 a month. No charge during the trial."
    )

    held = stored(server.database_url)
    assert held["subscriptions"][-1] == (
        "Acme Labs",
        "SLACK",
        2,
        "TRIALING",
        datetime(2026, 11, 22, tzinfo=UTC),
    )
    assert [change[1:4] for change in held["changes"]] == [
        ("SUBSCRIBED", None, 1),
        ("QUANTITY_CHANGED", 1, 2),
    ]
    assert held["pending_lines"] == []
    assert sorted(operation for operation, _ in held["idempotency_keys"]) == [
        Operation.CHANGE_QUANTITY,
        Operation.SUBSCRIBE_PRODUCT,
    ]
