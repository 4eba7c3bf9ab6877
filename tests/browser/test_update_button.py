"""Update Subscription: when it may be pressed, and one change per intended change."""

import json

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.support import stored
from tests.browser.ui import (
    card,
    fact,
    open_details,
    pick,
    shot,
    sign_in,
    update_button,
)
from tests.support.people import ADA, MAX

pytestmark = pytest.mark.browser


def mutations_sent(page: Page) -> list[dict]:
    """The updateQuantity inputs the page sends, as they leave it."""
    sent: list[dict] = []

    def record(request) -> None:
        body = request.post_data or ""
        if "updateQuantity" in body:
            sent.append(json.loads(body)["variables"]["input"])

    page.on("request", record)
    return sent


def priced(page: Page, quantity: int):
    details = open_details(page, "Omnichannel")
    pick(details, quantity)
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    return details


def test_it_is_disabled_while_the_pick_equals_the_quantity(new_page, shared_server):
    page = new_page()
    sign_in(page, shared_server, ADA)
    details = open_details(page, "Omnichannel")
    button = update_button(details)

    expect(details).to_contain_text(fact("New monthly cost", "$127.00"))
    expect(button).to_be_disabled()
    pick(details, 5)
    expect(button).to_be_enabled()
    pick(details, 3)
    expect(button).to_be_disabled()
    expect(details).to_contain_text(fact("Prorated charge", "$0.00: pick a different count"))


def test_a_member_sees_everything_and_changes_nothing(new_page, shared_server):
    page = new_page()
    sign_in(page, shared_server, MAX)
    details = open_details(page, "Omnichannel")

    pick(details, 5)  # members may price a change

    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    button = update_button(details)
    expect(button).to_be_disabled()
    expect(button).to_have_accessible_description(
        "Only admins can change subscriptions. Ask an admin of Acme Support to make a change."
    )
    expect(details.get_by_role("region", name="Change history")).to_have_count(0)
    expand = page.get_by_role("region", name="Expand Your Integration")
    expect(expand).to_contain_text("Only admins can subscribe to products.")
    for subscribe in expand.get_by_role("button", name="Subscribe").all():
        expect(subscribe).to_be_disabled()
    expect(page.get_by_text("you are a member (read only)")).to_be_visible()
    shot(page, "member")


def test_it_is_disabled_while_a_change_is_in_flight_and_a_double_click_changes_once(
    new_page, server
):
    page = new_page()
    sign_in(page, server, ADA)
    sent = mutations_sent(page)
    held: list[Route] = []

    def hold(route: Route) -> None:
        if "updateQuantity" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.fallback()

    page.route("**/graphql", hold)
    details = priced(page, 5)
    button = update_button(details)

    button.dblclick()

    expect(button).to_be_disabled()
    expect(details.get_by_role("status").filter(has_text="Updating…")).to_be_visible()
    assert len(held) == 1
    held[0].continue_()
    expect(details.get_by_role("status").filter(has_text="Updated")).to_be_visible()
    assert len(sent) == 1
    assert sent[0]["expectedQuantity"] == 3
    assert stored(server.database_url)["changes"][-1][2:4] == (3, 5)
    assert len(stored(server.database_url)["changes"]) == 1


def test_a_fast_double_click_sends_one_change(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    sent = mutations_sent(page)
    details = priced(page, 5)

    update_button(details).dblclick()

    expect(details.get_by_role("status").filter(has_text="Updated")).to_be_visible()
    assert len(sent) == 1
    assert len(stored(server.database_url)["changes"]) == 1


def test_a_request_that_fails_keeps_the_pick_and_the_retry_changes_once(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    sent = mutations_sent(page)

    def fail_the_first_send(route: Route) -> None:
        if "updateQuantity" in (route.request.post_data or "") and len(sent) == 1:
            route.abort("internetdisconnected")
        else:
            route.fallback()

    page.route("**/graphql", fail_the_first_send)
    details = priced(page, 5)

    update_button(details).click()

    expect(details.get_by_role("alert")).to_have_text(
        "We could not reach Octopods. Check your connection, then try again. "
        "Your pick of 5 channels is kept."
    )
    expect(details.get_by_label("Update channel count")).to_have_value("5")
    expect(details).to_contain_text(fact("Registered Channels", "3 channels"))
    expect(details).to_contain_text(fact("Prorated charge", "$41.60 for 16 of 30 days"))
    shot(page, "network-failure")
    update_button(details).click()

    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Omnichannel now has 5 channels"
    )
    assert len(sent) == 2
    assert sent[0]["idempotencyKey"] == sent[1]["idempotencyKey"]  # one intended change
    assert sent[0]["quoteId"] == sent[1]["quoteId"]  # at the price confirmed
    assert len(stored(server.database_url)["changes"]) == 1


def test_a_lost_answer_shows_the_change_the_server_made(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    sent = mutations_sent(page)

    def lose_the_answer(route: Route) -> None:
        if "updateQuantity" in (route.request.post_data or ""):
            route.fetch()  # the server makes the change…
            route.abort("connectionreset")  # …and its answer never arrives
        else:
            route.fallback()

    page.route("**/graphql", lose_the_answer)
    details = priced(page, 5)

    update_button(details).click()

    expect(details.get_by_role("status").filter(has_text="connection dropped")).to_have_text(
        "The connection dropped before Octopods answered, but Omnichannel now has 5 channels, "
        "as you picked: nothing more to do."
    )
    expect(card(page, "Omnichannel")).to_contain_text("5 channels")
    expect(update_button(details)).to_be_disabled()
    assert len(sent) == 1
    assert len(stored(server.database_url)["changes"]) == 1
    assert len(stored(server.database_url)["pending_lines"]) == 1
