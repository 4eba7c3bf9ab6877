"""Live updates (SPEC §11) on one instance, on SQLite and PostgreSQL: every member of
an account hears each committed change within a second, and nobody else does."""

import asyncio
import time

import httpx

from services.permissions import Role
from tests.support.factories import set_role
from tests.support.live import ACCOUNT_EVENTS, LiveClient
from tests.support.operations import (
    ADVANCE_CLOCK,
    CONNECT_CHANNEL,
    DISCONNECT_CHANNEL,
    MEMBERSHIPS,
    SUBSCRIBE_PRODUCT,
    UPDATE_QUANTITY,
)
from tests.support.people import ADA, GUS, MAX


class Client:
    """GraphQL over HTTP to one instance, as a user."""

    def __init__(self, server, token: str):
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}"}

    async def data(self, query: str, variables: dict | None = None) -> dict:
        async with httpx.AsyncClient(base_url=self.server.url, timeout=10) as http:
            answer = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=self.headers
            )
        body = answer.json()
        assert "errors" not in body, body
        return body["data"]

    async def ids(self) -> dict[str, dict]:
        """Each account's id and its subscriptions' ids by plan, by account name."""
        found = {}
        for membership in (await self.data(MEMBERSHIPS))["viewer"]["memberships"]:
            account = membership["account"]
            found[account["name"]] = {
                "id": account["id"],
                **{s["plan"]["code"]: s["id"] for s in account["subscriptions"]},
            }
        return found


async def acme_setup(instances, tokens):
    server = await instances(seeded=True)
    ada = Client(server, await tokens(ADA))
    acme = (await ada.ids())["Acme Support"]
    return server, ada, acme


async def test_a_change_reaches_every_member_within_a_second(instances, tokens):
    server, ada, acme = await acme_setup(instances, tokens)
    watchers = [
        await LiveClient.signed_in(server.ws_url, await tokens(email)) for email in (ADA, MAX)
    ]
    for watcher in watchers:
        await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.2)  # the subscriptions are registered

    sent = time.monotonic()
    change = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 5}}
    assert (await ada.data(UPDATE_QUANTITY, change))["updateQuantity"]["errors"] == []
    events = [await watcher.event(within=1.0) for watcher in watchers]
    latency = time.monotonic() - sent

    assert latency < 1.0
    for event, can_update in zip(events, (True, False), strict=True):
        assert event["kind"] == "QUANTITY_CHANGED"
        assert event["at"] == "2026-11-15T12:00:00Z"
        assert event["account"]["name"] == "Acme Support"
        # Read afresh under each subscriber's own permissions.
        assert event["subscription"] == {
            "id": acme["OMNICHANNEL"],
            "quantity": 5,
            "connectedUnits": 1,
            "viewerCanUpdate": can_update,
        }
        assert event["invoice"] is None and event["channel"] is None
    for watcher in watchers:
        await watcher.close()


async def test_every_kind_of_change_is_announced(instances, tokens):
    server, ada, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(ADA))
    await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.2)

    await ada.data(SUBSCRIBE_PRODUCT, {"input": {"accountId": acme["id"], "planCode": "SLACK"}})
    subscribed = await watcher.event()
    connected = await ada.data(
        CONNECT_CHANNEL, {"input": {"subscriptionId": acme["OMNICHANNEL"], "name": "Sales"}}
    )
    channel_id = connected["connectChannel"]["channel"]["id"]
    connected_event = await watcher.event()
    await ada.data(DISCONNECT_CHANNEL, {"input": {"channelId": channel_id}})
    disconnected = await watcher.event()
    # Slack's trial ends Nov 22: the clock's move converts it and issues its invoice,
    # then issues Omnichannel's December invoice.
    await ada.data(ADVANCE_CLOCK, {"to": "2026-12-01T00:00:00Z"})
    billed = [await watcher.event() for _ in range(3)]

    assert subscribed["kind"] == "SUBSCRIBED"
    assert subscribed["subscription"]["id"] != acme["OMNICHANNEL"]
    assert connected_event["kind"] == "CHANNEL_CONNECTED"
    assert connected_event["channel"] == {"id": channel_id, "name": "Sales"}
    assert disconnected["kind"] == "CHANNEL_DISCONNECTED"
    assert disconnected["channel"] is None  # gone
    assert disconnected["subscription"]["connectedUnits"] == 1
    assert [event["kind"] for event in billed] == [
        "TRIAL_CONVERTED",
        "INVOICE_ISSUED",
        "INVOICE_ISSUED",
    ]
    assert billed[1]["invoice"]["total"]["amount"] == "19.00"
    assert billed[2]["invoice"]["total"]["amount"] == "127.00"
    await watcher.close()


async def test_nothing_is_announced_for_a_refusal_or_a_repeated_key(instances, tokens):
    server, ada, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(ADA))
    await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.2)
    keyed = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 5, "idempotencyKey": "k"}}

    await ada.data(UPDATE_QUANTITY, keyed)
    first = await watcher.event()
    await ada.data(UPDATE_QUANTITY, keyed)  # repeated
    unchanged = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 5}}
    refused = await ada.data(UPDATE_QUANTITY, unchanged)

    assert first["kind"] == "QUANTITY_CHANGED"
    assert refused["updateQuantity"]["errors"][0]["code"] == "QUANTITY_UNCHANGED"
    assert await watcher.nothing_within(0.7)
    await watcher.close()


async def test_a_non_member_gets_an_error_for_that_stream_and_the_others_go_on(instances, tokens):
    server, _, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(GUS))
    globex = (await Client(server, await tokens(GUS)).ids())["Globex"]

    refused_id = await watcher.subscribe(acme["id"])
    refused = await watcher.receive()
    await watcher.subscribe(globex["id"])
    await asyncio.sleep(0.2)
    change = {"input": {"subscriptionId": globex["WHATSAPP_BUSINESS"], "quantity": 3}}
    await Client(server, await tokens(GUS)).data(UPDATE_QUANTITY, change)

    assert refused["id"] == refused_id
    assert refused["type"] == "error"
    assert [error["extensions"]["code"] for error in refused["payload"]] == ["NOT_FOUND"]
    assert (await watcher.event())["kind"] == "QUANTITY_CHANGED"
    await watcher.close()


async def test_a_connection_without_a_valid_token_is_closed_with_4403_unacknowledged(
    instances, tokens
):
    server = await instances(seeded=True)
    for init in ({"Authorization": "Bearer not-a-token"}, {}, None, {"Authorization": 7}):
        client = await LiveClient.connect(server.ws_url, init)
        await client.socket.wait_closed()
        assert client.socket.close_code == 4403


async def test_the_eleventh_stream_of_a_connection_is_refused_and_the_ten_go_on(instances, tokens):
    server, ada, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(ADA))
    for _ in range(10):
        await watcher.subscribe(acme["id"])
    eleventh = await watcher.subscribe(acme["id"])
    refused = await watcher.receive()
    await asyncio.sleep(0.2)

    await ada.data(
        UPDATE_QUANTITY, {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 4}}
    )
    events = [await watcher.receive() for _ in range(10)]

    assert (refused["id"], refused["type"]) == (eleventh, "error")
    assert sorted(int(event["id"]) for event in events) == list(range(1, 11))
    assert {event["payload"]["data"]["accountEvents"]["kind"] for event in events} == {
        "QUANTITY_CHANGED"
    }
    await watcher.close()


async def test_a_user_who_is_no_longer_a_member_receives_nothing_more(instances, tokens, db):
    server, ada, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(MAX))
    operation = await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.2)
    await set_role(db, MAX, "Acme Support", None)

    await ada.data(
        UPDATE_QUANTITY, {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 4}}
    )
    ended = await watcher.receive()

    assert ended == {"id": operation, "type": "complete"}
    await ada.data(
        UPDATE_QUANTITY, {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 6}}
    )
    assert await watcher.nothing_within(0.5)
    await watcher.close()


async def test_a_user_holds_a_bounded_number_of_connections(instances, tokens):
    server = await instances(seeded=True, OCTOPODS_CONNECTIONS_PER_USER="2")
    token = await tokens(ADA)
    held = [await LiveClient.signed_in(server.ws_url, token) for _ in range(2)]

    third = await LiveClient.connect(server.ws_url, {"Authorization": f"Bearer {token}"})
    await third.socket.wait_closed()
    assert third.socket.close_code == 4403
    await held[0].close()
    await asyncio.sleep(0.2)
    again = await LiveClient.signed_in(server.ws_url, token)  # a slot is free again
    for client in (held[1], again):
        await client.close()


async def test_a_promoted_member_sees_their_new_rights_in_the_next_event(instances, tokens, db):
    server, ada, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(MAX))
    await watcher.subscribe(acme["id"])
    await asyncio.sleep(0.2)
    await set_role(db, MAX, "Acme Support", Role.ADMIN)

    await ada.data(
        UPDATE_QUANTITY, {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 4}}
    )

    assert (await watcher.event())["subscription"]["viewerCanUpdate"] is True
    await watcher.close()


async def test_a_subscription_sent_over_http_is_refused_before_it_runs(instances, tokens):
    server, ada, acme = await acme_setup(instances, tokens)
    body = {"query": ACCOUNT_EVENTS, "variables": {"accountId": acme["id"]}}
    async with httpx.AsyncClient(base_url=server.url) as http:
        plain = await http.post("/graphql", json=body, headers=ada.headers)
        answer = await http.post(
            "/graphql",
            json=body,
            headers={**ada.headers, "Accept": "application/graphql-response+json"},
        )

    assert [e["extensions"]["code"] for e in plain.json()["errors"]] == ["BAD_REQUEST"]
    assert answer.status_code == 400
    assert "WebSocket" in answer.json()["errors"][0]["message"]
    assert "INTERNAL" not in plain.text + answer.text
