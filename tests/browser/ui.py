"""What a person does on the page, found by role and name as they and screen readers
find things: never by CSS class."""

import json
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import AXE, SCREENSHOTS, Server

HEADING = "Billing & Subscriptions"


def live_status(page: Page) -> Locator:
    """The line that says whether changes made elsewhere show by themselves."""
    return page.get_by_role("status").filter(has_text=re.compile("[Ll]ive"))


def hold_live_updates(page: Page) -> None:
    """The page's live updates never arrive, as while its socket cannot get through: it
    opens, but no server answers it (call before the page signs in)."""
    page.route_web_socket(re.compile(r"/graphql$"), lambda socket: None)


def sign_in(page: Page, server: Server, email: str, path: str = "/") -> None:
    """The development sign-in: the demo user's button, named by their email."""
    page.goto(server.url + path)
    page.get_by_role("button", name=email, exact=True).click()
    if path == "/":
        expect(page.get_by_role("heading", name=HEADING, level=1)).to_be_visible()


def card(page: Page, plan_name: str) -> Locator:
    """A card under Active Subscriptions."""
    active = page.get_by_role("region", name="Active Subscriptions")
    return active.get_by_role("article", name=plan_name, exact=True)


def open_details(page: Page, plan_name: str) -> Locator:
    card(page, plan_name).get_by_role("button", name="View Details").click()
    details = page.get_by_role("region", name=f"{plan_name} details")
    expect(details).to_be_visible()
    return details


def fact(name: str, value: str) -> re.Pattern:
    """A term and its value as a person reads them: 'New monthly cost $205.00'."""
    return re.compile(rf"{re.escape(name)}\s*{re.escape(value)}")


def pick(details: Locator, quantity: int) -> None:
    details.get_by_label("Update channel count").select_option(str(quantity))


def update_button(details: Locator) -> Locator:
    return details.get_by_role("button", name="Update Subscription")


def channels(details: Locator, unit: str = "channels") -> Locator:
    """The details' Connected channels (SPEC §9)."""
    return details.get_by_role("region", name=f"Connected {unit}")


def connect(details: Locator, name: str) -> None:
    """Connect a channel by name, as an admin does: type it, then Connect."""
    region = channels(details)
    region.get_by_label("Channel name").fill(name)
    region.get_by_role("button", name="Connect", exact=True).click()


def inputs_sent(page: Page, operation: str) -> list[dict]:
    """The inputs of the `operation` mutations the page sends, as they leave it."""
    sent: list[dict] = []

    def record(request) -> None:
        body = json.loads(request.post_data or "null") if request.method == "POST" else None
        if isinstance(body, dict) and body.get("operationName") == operation:
            sent.append(body["variables"]["input"])

    page.on("request", record)
    return sent


def shot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def serious_accessibility_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now. axe is
    evaluated over the DevTools protocol, which the page's CSP does not govern."""
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
            .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
