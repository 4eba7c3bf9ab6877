"""Refusals reach the person as readable messages that say what to do."""

import json

import pytest
from playwright.sync_api import Route, expect

from tests.browser.support import stored
from tests.browser.ui import (
    card,
    fact,
    hold_live_updates,
    open_details,
    pick,
    shot,
    sign_in,
    update_button,
)
from tests.support.operations import client_operation
from tests.support.people import ADA

pytestmark = pytest.mark.browser


def test_a_change_made_meanwhile_is_a_conflict_that_shows_the_fresh_quantity(new_page, server):
    page = new_page()
    # Live updates would show the change before the click (test_live_updates.py): here
    # they are held back, as while the page's socket cannot get through.
    hold_live_updates(page)
    sign_in(page, server, ADA)
    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    omnichannel_id = server.gql(client_operation("Dashboard"), as_user=ADA)["viewer"][
        "memberships"
    ][0]["account"]["subscriptions"][0]["id"]
    # Someone else, elsewhere, goes from 3 to 4 while the page still shows 3.
    changed = server.gql(
        client_operation("UpdateQuantity"),
        {"input": {"subscriptionId": omnichannel_id, "quantity": 4}},
        as_user=ADA,
    )
    assert changed["updateQuantity"]["errors"] == []

    update_button(details).click()

    expect(details.get_by_role("alert")).to_have_text(
        "Someone else changed this subscription meanwhile: it now has 4 channels. "
        "Nothing was charged. Check the new cost and choose Update Subscription again."
    )
    expect(card(page, "Omnichannel")).to_contain_text("4 channels")
    expect(details.get_by_label("Update channel count")).to_have_value("5")  # the pick is kept
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    expect(details).to_contain_text(fact("Prorated charge", "$20.80 for 16 of 30 days"))
    expect(details.get_by_role("region", name="Change history")).to_contain_text("3 channels → 4")
    shot(page, "conflict")
    assert [change[2:4] for change in stored(server.database_url)["changes"]] == [(3, 4)]

    update_button(details).click()  # the same pick, from the fresh quantity

    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "now has 5 channels"
    )
    assert [change[2:4] for change in stored(server.database_url)["changes"]] == [(3, 4), (4, 5)]


@pytest.mark.parametrize(
    ("status", "code", "headers", "message"),
    [
        (
            429,
            "RATE_LIMITED",
            {"Retry-After": "3"},
            "Too many requests in a short time. Nothing was changed; try again in 3 seconds.",
        ),
        (
            503,
            "SERVICE_UNAVAILABLE",
            {"Retry-After": "30"},
            "Billing is unavailable right now. Nothing was changed; try again in 30 seconds.",
        ),
        (
            200,
            "INTERNAL_SERVER_ERROR",
            {},
            "Something went wrong on our side, and nothing was changed. Try again; if it keeps "
            "happening, contact support with the reference 4f2a.",
        ),
    ],
)
def test_a_refused_request_says_when_to_try_again(
    new_page, shared_server, status, code, headers, message
):
    page = new_page()
    sign_in(page, shared_server, ADA)

    def refuse(route: Route) -> None:
        if "updateQuantity" not in (route.request.post_data or ""):
            route.fallback()
            return
        error = {"message": "refused", "extensions": {"code": code, "requestId": "4f2a"}}
        route.fulfill(
            status=status,
            headers={"Content-Type": "application/json", **headers},
            body=json.dumps({"data": None, "errors": [error]}),
        )

    page.route("**/graphql", refuse)
    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))

    update_button(details).click()

    expect(details.get_by_role("alert")).to_have_text(message)
    expect(update_button(details)).to_be_enabled()
    expect(details.get_by_label("Update channel count")).to_have_value("5")


def test_a_change_that_may_have_applied_says_so_and_its_retry_is_the_same_change(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    keys = []

    def lose_the_first_answer(route: Route) -> None:
        body = route.request.post_data or ""
        if "updateQuantity" not in body:
            route.fallback()
            return
        keys.append(json.loads(body)["variables"]["input"]["idempotencyKey"])
        if len(keys) > 1:
            route.fallback()
            return
        error = {
            "message": "unavailable",
            "extensions": {"code": "SERVICE_UNAVAILABLE", "changeMayHaveApplied": True},
        }
        route.fulfill(
            status=503,
            headers={"Content-Type": "application/json", "Retry-After": "1"},
            body=json.dumps({"errors": [error]}),
        )

    page.route("**/graphql", lose_the_first_answer)
    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))

    update_button(details).click()

    expect(details.get_by_role("alert")).to_have_text(
        "Billing stopped answering while your change was being saved, so it may have gone "
        "through. Choose the same again in 1 second: it is sent as the same change, so it is "
        "never made twice."
    )
    update_button(details).click()

    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "now has 5 channels"
    )
    assert len(keys) == 2 and keys[0] == keys[1]
    assert [change[2:4] for change in stored(server.database_url)["changes"]] == [(3, 5)]
