"""GET /metrics of a real instance: open streams and events sent move with live updates."""

import asyncio

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.live.test_account_events import ADA, acme_setup
from tests.support.live import LiveClient
from tests.support.operations import UPDATE_QUANTITY


async def samples(server) -> dict[tuple, float]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        text = (await http.get("/metrics")).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def open_streams(server) -> float:
    return (await samples(server))[("octopods_live_streams_open", ())]


async def test_streams_and_events_are_counted(instances, tokens):
    server, ada, acme = await acme_setup(instances, tokens)
    watcher = await LiveClient.signed_in(server.ws_url, await tokens(ADA))
    await watcher.subscribe(acme["id"])
    for _ in range(50):  # the stream opens once the subscription has started
        if await open_streams(server) == 1:
            break
        await asyncio.sleep(0.05)
    assert await open_streams(server) == 1

    change = {"input": {"subscriptionId": acme["OMNICHANNEL"], "quantity": 5}}
    await ada.data(UPDATE_QUANTITY, change)
    assert (await watcher.event())["kind"] == "QUANTITY_CHANGED"

    sent = (await samples(server))[
        ("octopods_live_events_sent_total", (("kind", "QUANTITY_CHANGED"),))
    ]
    assert sent == 1
    await watcher.close()
    for _ in range(50):
        if await open_streams(server) == 0:
            break
        await asyncio.sleep(0.05)
    assert await open_streams(server) == 0
