"""Every view: no serious or critical axe-core finding, no sideways scrolling on a phone,
a screenshot of each (build/screenshots/), and the whole upgrade by keyboard alone."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.support import Server
from tests.browser.ui import (
    card,
    channels,
    connect,
    fact,
    open_details,
    pick,
    scrolls_sideways,
    serious_accessibility_violations,
    shot,
    sign_in,
    update_button,
)
from tests.support.people import ADA, GUS, MAX

pytestmark = pytest.mark.browser


def views(page: Page, server: Server) -> Iterator[str]:
    """Walks through the page's views, yielding each one's name once it is on screen."""
    page.goto(f"{server.url}/")
    expect(page.get_by_role("button", name=ADA)).to_be_visible()
    yield "sign-in"
    sign_in(page, server, ADA)
    expect(card(page, "Omnichannel")).to_be_visible()
    yield "dashboard"
    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    yield "details"
    connect(details, "Support inbox")  # taken: refused, nothing written
    expect(channels(details).get_by_role("alert")).to_be_visible()
    yield "channel-refused"
    page.get_by_role("link", name=re.compile("^Printable invoice")).click()
    expect(page.get_by_role("heading", name=re.compile("^Invoice "), level=1)).to_be_visible()
    yield "printable-invoice"
    page.get_by_role("link", name="Back to Billing & Subscriptions").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, MAX)
    open_details(page, "Omnichannel")
    yield "member-details"
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, GUS)
    open_details(page, "WhatsApp Business")
    yield "trial-details"


def test_no_view_has_a_serious_accessibility_violation(new_page, shared_server):
    page = new_page()
    found = {}
    for view in views(page, shared_server):
        shot(page, view)
        found[view] = serious_accessibility_violations(page)
    assert found == {view: [] for view in found}
    assert len(found) == 7


def test_no_view_scrolls_sideways_on_a_phone(new_page, shared_server):
    page = new_page(viewport=PHONE)
    sideways = []
    for view in views(page, shared_server):
        shot(page, f"phone-{view}")
        if scrolls_sideways(page):
            sideways.append(view)
    assert sideways == []


def tab_to(page: Page, target: Locator, most: int = 40) -> None:
    """Press Tab until `target` has the focus, as a keyboard user does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_the_upgrade_works_with_the_keyboard_alone(new_page, server):
    page = new_page()
    page.goto(f"{server.url}/")

    tab_to(page, page.get_by_role("button", name=ADA))
    page.keyboard.press("Enter")
    omnichannel = card(page, "Omnichannel")
    tab_to(page, omnichannel.get_by_role("button", name="View Details"))
    page.keyboard.press("Enter")
    details = page.get_by_role("region", name="Omnichannel details")
    expect(details.get_by_role("heading", name="Omnichannel details")).to_be_focused()
    count = details.get_by_label("Update channel count")
    tab_to(page, count)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(count).to_have_value("5")
    expect(details).to_contain_text(fact("Prorated charge", "$41.60 for 16 of 30 days"))
    tab_to(page, update_button(details))
    page.keyboard.press("Enter")

    expect(details.get_by_role("status").filter(has_text="Updated")).to_be_visible()
    expect(omnichannel).to_contain_text("5 channels")

    region = channels(details)
    tab_to(page, region.get_by_label("Channel name"))
    page.keyboard.type("Sales chat")
    page.keyboard.press("Enter")
    expect(region.get_by_role("status").filter(has_text="Connected")).to_be_visible()
    tab_to(page, region.get_by_role("button", name="Disconnect Sales chat"))
    page.keyboard.press("Enter")
    expect(region.get_by_role("status").filter(has_text="Disconnected")).to_be_visible()
    expect(omnichannel).to_contain_text("1 of 5 channels connected")
