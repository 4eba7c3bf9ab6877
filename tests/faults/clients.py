"""What a client does during a fault: send with a token it already holds."""

import asyncio
import time

import httpx

from tests.support.api import Api

DASHBOARD_LIGHT = "query Dash { viewer { memberships { account { subscriptions { quantity } } } } }"


async def send(api: Api, token: str, query: str, variables: dict | None = None) -> httpx.Response:
    body: dict = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return await api.client.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def codes(response: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json().get("errors", [])]


async def until_answered(api: Api, token: str, within: float = 10.0) -> float:
    """Seconds until the dashboard answers without errors."""
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        response = await send(api, token, DASHBOARD_LIGHT)
        if response.status_code == 200 and "errors" not in response.json():
            return time.perf_counter() - started
        await asyncio.sleep(0.02)
    raise AssertionError("the server did not recover")
