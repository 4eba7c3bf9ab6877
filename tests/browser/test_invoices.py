"""Invoices: more on request, and each issued invoice's printable view at its own address."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS
from tests.browser.ui import HEADING, serious_accessibility_violations, shot, sign_in
from tests.support.people import ADA, GUS

pytestmark = pytest.mark.browser

A_YEAR_LATER = 'mutation { advanceTestClock(to: "2027-11-15T12:00:00Z") { invoicesIssued } }'
NUMBER = re.compile(r"Invoice [A-Z]+\d+-\d{4}")


def test_more_invoices_on_request_and_a_printable_view_at_a_stable_address(new_page, server):
    billed = server.gql(A_YEAR_LATER, as_user=ADA)  # twelve more months
    assert billed["advanceTestClock"]["invoicesIssued"] >= 12
    page = new_page()
    sign_in(page, server, ADA)
    invoices = page.get_by_role("region", name="Invoices")
    issued = invoices.get_by_role("heading", name=NUMBER, level=4)
    expect(issued).to_have_count(10)
    expect(issued.first).to_have_text(re.compile(r"-0013$"))

    invoices.get_by_role("button", name="Show more invoices").click()

    expect(issued).to_have_count(13)
    expect(issued.last).to_have_text(re.compile(r"-0001$"))
    expect(issued.nth(10)).to_be_focused()  # the keyboard lands on what was added
    expect(invoices.get_by_role("button", name="Show more invoices")).to_have_count(0)
    first_number = issued.last.inner_text().removeprefix("Invoice ")

    invoices.get_by_role("link", name=f"Printable invoice {first_number}").click()

    expect(page).to_have_url(re.compile(r"/invoices/[^/]+$"))
    address = page.url
    printed = page.get_by_role("article", name=f"Invoice {first_number}")
    for text in (
        "Billed toAcme Support",
        f"Invoice number{first_number}",
        "IssuedNov 1, 2026",
        "PeriodNov 1, 2026 – Dec 1, 2026",
        "Omnichannel, 3 channels",
        "Total (USD)$127.00",
    ):
        expect(printed).to_contain_text(text)
    expect(page).to_have_title(f"Invoice {first_number} · Octopods")
    assert serious_accessibility_violations(page) == []
    shot(page, "invoice")

    page.reload()  # a stable address: the same invoice after a reload
    expect(page.get_by_role("heading", name=f"Invoice {first_number}", level=1)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to Billing & Subscriptions")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (SCREENSHOTS / "invoice.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Back to Billing & Subscriptions").click()
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()

    other = new_page()
    sign_in(other, server, GUS, path=address.removeprefix(server.url))
    expect(other.get_by_role("heading", name="Invoice not found")).to_be_visible()
