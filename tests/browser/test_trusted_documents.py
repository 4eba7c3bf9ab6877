"""The page against a server that runs only its trusted documents (SPEC §12,
OCTOPODS_TRUSTED_DOCUMENTS=only): every document leaves by its `documentId`, queries by
GET, which the browser revalidates with their ETag, and the whole upgrade works."""

import json
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from schema import manifest
from tests.browser.support import Server, copy_sqlite, stored
from tests.browser.ui import card, fact, open_details, pick, shot, sign_in, update_button
from tests.support.people import ADA

pytestmark = pytest.mark.browser


@pytest.fixture
def trusted_server(seeded, tmp_path) -> Iterator[Server]:
    server = Server(
        copy_sqlite(seeded, tmp_path / "db"),
        tmp_path / "server.log",
        OCTOPODS_TRUSTED_DOCUMENTS="only",
    )
    try:
        yield server
    finally:
        server.stop()


def graphql_traffic(page: Page) -> list[dict]:
    """Each GraphQL request the page sends: its method, what names its document, the
    ETag it revalidates, and the answer's status (a 304 shows as the cached 200) and
    ETag."""
    sent: list[dict] = []

    def record(response) -> None:
        request = response.request
        if urlparse(request.url).path != "/graphql" or request.resource_type == "websocket":
            return
        if request.method == "GET":
            fields = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
        else:
            fields = json.loads(request.post_data or "{}")
        sent.append(
            {
                "method": request.method,
                "status": response.status,
                "held": request.all_headers().get("if-none-match"),  # the browser's cache
                "etag": response.all_headers().get("etag"),
                **fields,
            }
        )

    page.on("response", record)
    return sent


def test_the_page_upgrades_by_document_ids_only(new_page, trusted_server):
    server = trusted_server
    page = new_page()
    traffic = graphql_traffic(page)
    sign_in(page, server, ADA)

    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("Prorated charge", "$41.60 for 16 of 30 days"))
    update_button(details).click()

    expect(details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Omnichannel now has 5 channels for $205.00 a month"
    )
    expect(card(page, "Omnichannel")).to_contain_text("5 channels")
    history = details.get_by_role("region", name="Change history")
    expect(history).to_contain_text("3 channels → 5 · prorated $41.60")
    shot(page, "trusted-documents-updated")

    known = manifest.read()
    assert traffic, "the page sent nothing"
    assert all("query" not in request for request in traffic), traffic
    assert all(request.get("documentId") in known for request in traffic), traffic
    assert all(request["status"] in (200, 304) for request in traffic), traffic
    methods = {(known[r["documentId"]].split()[0], r["method"]) for r in traffic}
    assert methods == {("query", "GET"), ("mutation", "POST")}
    held = stored(server.database_url)
    assert held["changes"] == [(ADA, "QUANTITY_CHANGED", 3, 5, Decimal("41.60"))]


def test_an_unchanged_answer_is_revalidated_not_sent_again(new_page, trusted_server):
    page = new_page()
    traffic = graphql_traffic(page)
    sign_in(page, trusted_server, ADA)
    details = open_details(page, "Omnichannel")
    pick(details, 5)
    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    pick(details, 4)
    expect(details).to_contain_text(fact("New monthly cost", "$166.00"))

    pick(details, 5)  # the same preview again: asked afresh, and unchanged

    expect(details).to_contain_text(fact("New monthly cost", "$205.00"))
    page.wait_for_timeout(300)
    five = [r for r in traffic if r.get("variables", "").startswith('{"quantity":5')]
    assert len(five) == 2, traffic
    assert five[0]["held"] is None
    assert five[1]["held"] == five[0]["etag"] == five[1]["etag"]
