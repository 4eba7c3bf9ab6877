"""The first view arrives small and soon: the heading and the first card on screen."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS
from tests.browser.ui import HEADING
from tests.support.people import ADA

pytestmark = pytest.mark.browser

# Notes the moment the heading and a card's View Details button are both in the page.
WATCH = """
new MutationObserver((_, observer) => {
  const texts = (selector) => [...document.querySelectorAll(selector)].map((e) => e.textContent);
  if (texts('h1').includes('Billing & Subscriptions') && texts('button').includes('View Details')) {
    window.__interactiveAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""
BUDGET_MS = 3000  # measured here: a few hundred milliseconds; the margin is for busy CI


def test_the_page_is_small_and_its_first_card_comes_quickly(new_page, shared_server):
    token = shared_server.token(ADA)
    page = new_page()
    page.context.add_init_script(WATCH)

    page.goto(f"{shared_server.url}/#token={token}")  # cold: a new browser context

    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    expect(page.get_by_role("button", name="View Details")).to_be_visible()
    interactive_ms = page.evaluate("window.__interactiveAt")
    transferred = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter((r) => r.initiatorType !== 'fetch')
            .map((r) => ({ name: new URL(r.name).pathname, bytes: r.transferSize,
                           encoded: r.encodedBodySize, decoded: r.decodedBodySize }))"""
    )
    code = [r for r in transferred if r["name"].endswith((".js", ".css"))]
    measured = {
        "interactive_ms": round(interactive_ms),
        "js_css_compressed_bytes": sum(r["encoded"] for r in code),
        "js_css_bytes": sum(r["decoded"] for r in code),
        "files": code,
    }
    (SCREENSHOTS / "first-view.json").write_text(json.dumps(measured, indent=2))

    assert interactive_ms < BUDGET_MS, measured
    assert measured["js_css_compressed_bytes"] < 120_000, measured
    assert all(r["encoded"] < r["decoded"] for r in code), "served compressed"
