"""A phone loses its connection after sending a mutation and retries with the same key."""

import asyncio
import json

import httpx
import uvicorn

from server.app import create_app
from services.settings import Settings, parse_instant
from tests.api.lookups import acme_omnichannel_id
from tests.support.api import SECRET
from tests.support.operations import UPDATE_QUANTITY
from tests.support.people import ADA
from tests.support.snapshot import count


async def serve(database_url: str) -> tuple[uvicorn.Server, asyncio.Task, int]:
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        test_clock=parse_instant("2026-11-15T12:00:00Z"),
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, task, port


async def send_and_hang_up(port: int, body: bytes, token: str) -> None:
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    writer.close()  # the response is never read


async def test_the_retry_finds_the_first_attempt_done_once(api, db, database_url):
    subscription_id = await acme_omnichannel_id(api)
    token = await api.token(ADA)
    variables = {
        "input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "flaky-4g"}
    }
    body = json.dumps({"query": UPDATE_QUANTITY, "variables": variables}).encode()
    server, task, port = await serve(database_url)
    try:
        await send_and_hang_up(port, body, token)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            retried = await client.post(
                "/graphql",
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            # Whichever attempt ran first, there is one change; wait for both to settle.
            for _ in range(100):
                if await count(db, "subscription_changes") >= 1:
                    break
                await asyncio.sleep(0.05)
            again = await client.post(
                "/graphql",
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
    finally:
        server.should_exit = True
        await task

    assert retried.status_code == again.status_code == 200
    payload = retried.json()["data"]["updateQuantity"]
    assert payload["errors"] == []
    assert payload["prorationLine"]["amount"]["amount"] == "41.60"
    assert again.json() == retried.json()
    assert await count(db, "subscription_changes") == 1
    assert await count(db, "invoice_lines") == 2
