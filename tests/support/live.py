"""A graphql-transport-ws client, as the dashboard and the mobile app use it."""

import asyncio
import json

from websockets.asyncio.client import ClientConnection, connect

ACCOUNT_EVENTS = """
subscription Events($accountId: ID!) {
  accountEvents(accountId: $accountId) {
    kind at account { id name }
    subscription { id quantity connectedUnits viewerCanUpdate }
    invoice { id number total { amount } }
    channel { id name }
  }
}
"""


class LiveClient:
    def __init__(self, socket: ClientConnection):
        self.socket = socket
        self._ids = 0

    @classmethod
    async def connect(cls, ws_url: str, init: object) -> "LiveClient":
        """Opened and `connection_init` sent with `init` (not yet acknowledged)."""
        socket = await connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=5)
        client = cls(socket)
        await client.send({"type": "connection_init", "payload": init})
        return client

    @classmethod
    async def signed_in(cls, ws_url: str, token: str) -> "LiveClient":
        client = await cls.connect(ws_url, {"Authorization": f"Bearer {token}"})
        ack = await client.receive()
        if ack.get("type") != "connection_ack":
            raise AssertionError(ack)
        return client

    async def send(self, message: dict) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, within: float = 2.0) -> dict:
        return json.loads(await asyncio.wait_for(self.socket.recv(), within))

    async def subscribe(self, account_id: str, query: str = ACCOUNT_EVENTS) -> str:
        self._ids += 1
        operation_id = str(self._ids)
        payload = {"query": query, "variables": {"accountId": account_id}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})
        return operation_id

    async def event(self, within: float = 2.0) -> dict:
        """The next event's data (a `next` message)."""
        message = await self.receive(within)
        if message.get("type") != "next":
            raise AssertionError(message)
        return message["payload"]["data"]["accountEvents"]

    async def nothing_within(self, seconds: float) -> bool:
        try:
            message = await self.receive(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected: {message}")

    async def close(self) -> None:
        await self.socket.close()
