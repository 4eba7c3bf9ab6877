"""Live updates (SPEC §11) on the page: what another admin, or a billing run, changes
shows in an open page without a reload, and a page that may have missed events (a
dropped connection, a RESYNC) reads everything again."""

import json
import re

import pytest
from playwright.sync_api import WebSocketRoute, expect

from tests.browser.support import SCREENSHOTS, promote, stored
from tests.browser.ui import (
    card,
    channels,
    connect,
    fact,
    live_status,
    open_details,
    pick,
    shot,
    sign_in,
    update_button,
)
from tests.support.operations import client_operation
from tests.support.people import ADA, MAX

pytestmark = pytest.mark.browser

LIVE = "Live: changes made elsewhere appear here by themselves."
NUMBER = re.compile(r"Invoice [A-Z]+\d+-\d{4}")

# Notes (Date.now()) when each event arrives over the page's socket.
HEAR_EVENTS = """
window.__heardAt = [];
const Socket = window.WebSocket;
window.WebSocket = class extends Socket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (message) => {
      if (String(message.data).includes('"accountEvents"')) window.__heardAt.push(Date.now());
    });
  }
};
"""

# Notes (Date.now()) the moment the Omnichannel card first says `text`.
WATCH_CARD = """(text) => {
  window.__shownAt = null;
  window.__sameDocument = true;  // gone if the page reloads
  const shows = () => [...document.querySelectorAll('article')].some(
    (a) => a.querySelector('h3')?.textContent === 'Omnichannel' && a.textContent.includes(text));
  new MutationObserver((_, observer) => {
    if (shows()) { window.__shownAt = Date.now(); observer.disconnect(); }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def omnichannel_id(server) -> str:
    dashboard = server.gql(client_operation("Dashboard"), as_user=ADA)
    return dashboard["viewer"]["memberships"][0]["account"]["subscriptions"][0]["id"]


def test_one_admins_change_appears_in_the_other_admins_page_without_a_reload(new_page, server):
    promote(server.database_url, MAX, "Acme Support")  # two admins of Acme Support
    ada, max_ = new_page(), new_page()  # two browser contexts, each signed in
    max_.context.add_init_script(HEAR_EVENTS)
    sign_in(ada, server, ADA)
    sign_in(max_, server, MAX)
    for page in (ada, max_):
        expect(live_status(page)).to_have_text(LIVE)
    max_details = open_details(max_, "Omnichannel")
    pick(max_details, 4)  # max's pick, not sent
    expect(max_details).to_contain_text(fact("Prorated charge", "$20.80 for 16 of 30 days"))
    max_.evaluate(WATCH_CARD, "5 channels")
    ada_details = open_details(ada, "Omnichannel")
    pick(ada_details, 5)
    expect(ada_details).to_contain_text(fact("New monthly cost", "$205.00"))

    with ada.expect_response(lambda r: "updateQuantity" in (r.request.post_data or "")) as sent:
        update_button(ada_details).click()

    omnichannel = card(max_, "Omnichannel")
    expect(omnichannel).to_contain_text("5 channels")
    expect(omnichannel).to_contain_text("$205.00")
    answer = sent.value
    answer.finished()
    timing = answer.request.timing
    committed_at = timing["startTime"] + timing["responseEnd"]  # ada's page has the answer
    shown_at = max_.evaluate("window.__shownAt")
    [heard_at] = max_.evaluate("window.__heardAt")  # one event so far: ada's change
    measured = {
        "answer_to_other_page_ms": round(shown_at - committed_at),
        "answer_to_event_heard_ms": round(heard_at - committed_at),
        "event_heard_to_shown_ms": round(shown_at - heard_at),
    }
    (SCREENSHOTS / "live-update.json").write_text(json.dumps(measured, indent=2))
    assert measured["answer_to_other_page_ms"] < 1000, measured
    assert max_.evaluate("window.__sameDocument") is True  # no reload
    # Max's page followed: the card, the details, the invoice, the history, and his own
    # unsent pick kept and priced afresh from the new quantity.
    expect(max_details).to_contain_text(fact("Registered Channels", "5 channels"))
    expect(max_details.get_by_label("Update channel count")).to_have_value("4")
    expect(max_details).to_contain_text(fact("New monthly cost", "$166.00"))
    expect(max_details).to_contain_text(fact("Prorated charge", "-$20.80 for 16 of 30 days"))
    expect(max_details.get_by_role("region", name="Change history")).to_contain_text(
        "3 channels → 5"
    )
    upcoming = max_.get_by_role("region", name="Invoices").get_by_role(
        "article", name=re.compile("Omnichannel: next invoice")
    )
    expect(upcoming.get_by_role("row", name=re.compile("Total"))).to_contain_text("$246.60")
    shot(max_, "live-other-admin")

    # Max confirms his pick from what he now sees: no conflict. Ada's page follows.
    update_button(max_details).click()
    expect(max_details.get_by_role("status").filter(has_text="Updated")).to_contain_text(
        "Omnichannel now has 4 channels"
    )
    expect(card(ada, "Omnichannel")).to_contain_text("4 channels")
    expect(ada_details.get_by_role("region", name="Change history")).to_contain_text(
        "5 channels → 4"
    )
    connect(max_details, "Sales chat")
    expect(channels(ada_details).get_by_role("listitem")).to_have_count(2)
    expect(channels(ada_details)).to_contain_text("Sales chat")
    expect(card(ada, "Omnichannel")).to_contain_text("2 of 4 channels connected")
    expect(live_status(ada)).to_contain_text("Last change: Nov 15, 2026, 12:00 UTC")
    assert [change[0:4] for change in stored(server.database_url)["changes"]] == [
        (ADA, "QUANTITY_CHANGED", 3, 5),
        (MAX, "QUANTITY_CHANGED", 5, 4),
        (MAX, "CHANNEL_CONNECTED", None, 4),
    ]


def test_a_billing_run_adds_its_invoice_to_the_open_page(new_page, server):
    page = new_page()
    sign_in(page, server, ADA)
    expect(live_status(page)).to_have_text(LIVE)
    invoices = page.get_by_role("region", name="Invoices")
    issued = invoices.get_by_role("heading", name=NUMBER, level=4)
    expect(issued).to_have_count(1)

    billed = server.gql(
        'mutation { advanceTestClock(to: "2026-12-01T00:00:00Z") { invoicesIssued } }',
        as_user=ADA,
    )
    assert billed["advanceTestClock"]["invoicesIssued"] >= 1

    expect(issued).to_have_count(2)
    expect(issued.first).to_have_text(re.compile(r"-0002$"))
    expect(invoices).to_contain_text("Omnichannel: next invoice on Jan 1, 2027")
    expect(card(page, "Omnichannel")).to_contain_text("renews Jan 1, 2027")
    expect(live_status(page)).to_contain_text("Last change: Dec 1, 2026, 00:00 UTC")
    shot(page, "live-billing-run")


def change_elsewhere(server, quantity: int) -> None:
    change = {"input": {"subscriptionId": omnichannel_id(server), "quantity": quantity}}
    assert (
        server.gql(client_operation("UpdateQuantity"), change, as_user=ADA)["updateQuantity"][
            "errors"
        ]
        == []
    )


def test_after_a_dropped_connection_the_page_reads_everything_again(new_page, server):
    page = new_page()
    sockets: list[WebSocketRoute] = []

    def through(socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        sockets.append(socket)

    page.route_web_socket(re.compile(r"/graphql$"), through)
    sign_in(page, server, ADA)
    expect(live_status(page)).to_have_text(LIVE)

    sockets[0].close(code=1012, reason="Service Restart")  # as a server restarting does
    change_elsewhere(server, 4)  # while the page is not listening

    expect(live_status(page)).to_contain_text("Live updates paused: reconnecting…")
    shot(page, "live-reconnecting")
    expect(live_status(page)).to_have_text(LIVE, timeout=15_000)
    expect(card(page, "Omnichannel")).to_contain_text("4 channels")
    assert len(sockets) == 2


def test_a_resync_reads_everything_again(new_page, server):
    page = new_page()
    streams: list[tuple[WebSocketRoute, str]] = []

    def pretend_server(socket: WebSocketRoute) -> None:
        def answer(message: str | bytes) -> None:
            sent = json.loads(message)
            if sent["type"] == "connection_init":
                socket.send(json.dumps({"type": "connection_ack"}))
            elif sent["type"] == "subscribe":
                streams.append((socket, sent["id"]))

        socket.on_message(answer)

    page.route_web_socket(re.compile(r"/graphql$"), pretend_server)
    sign_in(page, server, ADA)
    expect(live_status(page)).to_have_text(LIVE)
    change_elsewhere(server, 4)  # its event never reaches this page
    page.wait_for_timeout(300)
    expect(card(page, "Omnichannel")).to_contain_text("3 channels")
    assert len(streams) == 1
    socket, stream = streams[0]

    resync = {"kind": "RESYNC", "at": "2026-11-15T12:00:00Z"}
    socket.send(
        json.dumps({"id": stream, "type": "next", "payload": {"data": {"accountEvents": resync}}})
    )

    expect(card(page, "Omnichannel")).to_contain_text("4 channels")
    expect(live_status(page)).to_have_text(LIVE)  # a RESYNC is not a change of its own
