"""Trusted documents over graphql-transport-ws (SPEC §12): a `subscribe` may name a
manifest document by `documentId` (the page's socket sends `query: ""` with it), unknown
ids are refused in every mode, and with OCTOPODS_TRUSTED_DOCUMENTS=only nothing else
runs. Each refusal is an `error` message for that operation; the connection goes on."""

import re

from schema import manifest
from tests.support.live import ACCOUNT_EVENTS, LiveClient
from tests.support.people import ADA

NAMED = re.compile(r"^(?:query|mutation|subscription) (\w+)", re.MULTILINE)
FILES = {NAMED.search(text)[1]: key for key, text in manifest.operation_files().items()}


async def send(client: LiveClient, operation_id: str, payload: dict) -> dict:
    await client.send({"id": operation_id, "type": "subscribe", "payload": payload})
    return await client.receive(5)


async def test_only_runs_documents_by_id_and_refuses_the_rest(instances, tokens):
    server = await instances(seeded=True, OCTOPODS_TRUSTED_DOCUMENTS="only")
    client = await LiveClient.signed_in(server.ws_url, await tokens(ADA))

    answer = await send(client, "1", {"query": "", "documentId": FILES["Dashboard"]})
    assert answer["type"] == "next", answer
    assert answer["payload"]["data"]["viewer"]["email"] == ADA
    assert (await client.receive(5))["type"] == "complete"

    unknown = await send(client, "2", {"query": "", "documentId": "sha256:" + "0" * 64})
    assert unknown["type"] == "error"
    assert unknown["payload"][0]["extensions"]["code"] == "PERSISTED_DOCUMENT_NOT_FOUND"

    free_text = {"query": ACCOUNT_EVENTS, "variables": {"accountId": "x"}}
    untrusted = await send(client, "3", free_text)
    assert untrusted["type"] == "error"
    assert untrusted["payload"][0]["extensions"]["code"] == "UNTRUSTED_DOCUMENT"

    still = await send(client, "4", {"query": "", "documentId": FILES["Dashboard"]})
    assert still["type"] == "next"
    await client.close()


async def test_by_default_an_unknown_id_is_refused_and_text_runs(instances, tokens):
    server = await instances(seeded=True)
    client = await LiveClient.signed_in(server.ws_url, await tokens(ADA))

    unknown = await send(client, "1", {"query": "", "documentId": "sha256:" + "0" * 64})
    text = await send(client, "2", {"query": "{ viewer { email } }"})

    assert unknown["payload"][0]["extensions"]["code"] == "PERSISTED_DOCUMENT_NOT_FOUND"
    assert text["payload"]["data"]["viewer"]["email"] == ADA
    await client.close()
