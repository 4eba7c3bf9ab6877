"""Quotes (SPEC §10) on the page: Update Subscription confirms the price on screen, and
a price that moved meanwhile is refused, shown afresh for the same pick, and confirmed
again."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.support import stored
from tests.browser.ui import (
    card,
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
from tests.support.people import ADA

pytestmark = pytest.mark.browser

MIDNIGHT_PASSED = 'mutation { advanceTestClock(to: "2026-11-16T00:30:00Z") { invoicesIssued } }'
QUOTE_EXPIRED = (
    "The price changed since you saw it (a price holds for 15 minutes, and only while nothing "
    "else changes). Nothing was charged. Check the new price and choose Update Subscription again."
)


def quotes_shown(page: Page, quantity: int) -> list:
    """The answers to the page's previews of `quantity`, as they arrive (read later)."""
    answers = []

    def record(response) -> None:
        body = response.request.post_data or ""
        if '"operationName":"PreviewCost"' in body and f'"quantity":{quantity}' in body:
            answers.append(response)

    page.on("response", record)
    return answers


def quote_ids(answers: list) -> list[str]:
    return [answer.json()["data"]["previewCost"]["quoteId"] for answer in answers]


def test_a_price_that_moved_at_midnight_is_shown_afresh_and_confirmed_again(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    sent = inputs_sent(page, "UpdateQuantity")
    previews = quotes_shown(page, 5)
    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("Prorated charge", "$41.60 for 16 of 30 days"))
    confirmed = quote_ids(previews)[-1]
    # The page stays open past midnight UTC: 15 days are left, not 16.
    midnight = server.gql(MIDNIGHT_PASSED, as_user=ADA)["advanceTestClock"]
    assert midnight["invoicesIssued"] == 0  # nothing billed, so no live update either

    update_button(details).click()

    expect(details.get_by_role("alert")).to_have_text(QUOTE_EXPIRED)
    expect(details.get_by_label("Update channel count")).to_have_value("5")  # the pick is kept
    expect(details).to_contain_text(fact("Prorated charge", "$39.00 for 15 of 30 days"))
    expect(details).to_contain_text(fact("Next invoice total", "$244.00"))
    expect(card(page, "Omnichannel")).to_contain_text("3 channels")
    assert stored(server.database_url)["changes"] == []  # nothing was written
    shot(page, "quote-expired")
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size(PHONE)
    shot(page, "phone-quote-expired")
    assert not scrolls_sideways(page)
    expect(update_button(details)).to_be_enabled()
    reconfirmed = quote_ids(previews)[-1]

    update_button(details).click()

    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Omnichannel now has 5 channels for $205.00 a month. $39.00 for 15 of 30 days"
    )
    assert stored(server.database_url)["changes"] == [
        (ADA, "QUANTITY_CHANGED", 3, 5, Decimal("39.00"))
    ]
    first, second = sent
    assert first["quoteId"] == confirmed  # the price that was on screen
    assert second["quoteId"] == reconfirmed != confirmed
    assert first["expectedQuantity"] == second["expectedQuantity"] == 3
    # Another price is another intended change: its own idempotency key.
    assert first["idempotencyKey"] != second["idempotencyKey"]
