"""The database stops, crashes and comes back: clients are told to retry later, the log
says "outage" once, and no request fails on a connection from before the restart."""

import asyncio
import logging
import time

import pytest

from tests.api.lookups import acme_omnichannel_id
from tests.faults.clients import DASHBOARD_LIGHT, codes, send, until_answered
from tests.support.logs import operations
from tests.support.operations import UPDATE_QUANTITY
from tests.support.people import ADA

pytestmark = pytest.mark.slow


async def test_while_the_database_is_down_requests_get_503_and_retry_after(
    own_apis, own_pg, caplog
):
    api = await own_apis.start(seed=True)
    token = await api.token(ADA)
    own_pg.stop()

    with caplog.at_level(logging.INFO):
        answers = [await send(api, token, DASHBOARD_LIGHT) for _ in range(5)]
        clock = await send(api, token, "{ now plans { code } }")

    for response in answers:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        body = response.json()
        assert "data" not in body  # nothing was answered
        [error] = body["errors"]
        assert error["extensions"] == {
            "code": "SERVICE_UNAVAILABLE",
            "retryAfter": 1,
            "requestId": response.headers["x-request-id"],
        }
        assert "Connect call failed" not in response.text
    assert clock.status_code == 200 and "errors" not in clock.json()  # no database needed
    warnings = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(warnings) <= 1 and all(r.levelno == logging.WARNING for r in warnings)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(line["outcome"] == "unavailable" for line in operations(caplog.records)[:5])


async def test_readyz_flips_within_a_third_of_a_second(own_apis, own_pg):
    api = await own_apis.start(seed=True)
    assert (await api.client.get("/readyz")).status_code == 200

    own_pg.stop()
    started = time.perf_counter()
    down = await api.client.get("/readyz")
    flipped_down = time.perf_counter() - started
    own_pg.start()
    started = time.perf_counter()
    up = await api.client.get("/readyz")
    flipped_up = time.perf_counter() - started

    assert down.status_code == 503 and flipped_down < 0.3
    assert up.status_code == 200 and flipped_up < 0.3


@pytest.mark.parametrize("how", ["restart", "crash"])
async def test_after_the_database_returns_no_request_fails_on_an_old_connection(
    own_apis, own_pg, how
):
    api = await own_apis.start(seed=True)
    token = await api.token(ADA)
    subscription_id = await acme_omnichannel_id(api)
    preview = "query($id: ID!) { previewCost(subscriptionId: $id, quantity: 4) { changed } }"
    # Fill the pool with connections from before.
    warm = await asyncio.gather(*(send(api, token, DASHBOARD_LIGHT) for _ in range(10)))
    assert all(r.status_code == 200 for r in warm)

    if how == "crash":
        own_pg.kill()
    else:
        own_pg.stop()
    own_pg.start()
    started = time.perf_counter()
    after = await asyncio.gather(
        *(send(api, token, DASHBOARD_LIGHT) for _ in range(6)),
        *(send(api, token, preview, {"id": subscription_id}) for _ in range(6)),
        *(
            send(
                api,
                token,
                UPDATE_QUANTITY,
                {"input": {"subscriptionId": subscription_id, "quantity": q}},
            )
            for q in (7, 8, 9, 10)
        ),
    )
    recovered = time.perf_counter() - started

    assert [r.status_code for r in after] == [200] * 16
    assert [codes(r) for r in after] == [[]] * 16
    assert [r.json()["data"]["updateQuantity"]["errors"] for r in after[12:]] == [[]] * 4
    assert recovered < 2.0


async def test_recovery_is_within_0_4_seconds_of_the_database_return(own_apis, own_pg):
    api = await own_apis.start(seed=True)
    token = await api.token(ADA)
    own_pg.kill()
    assert (await send(api, token, DASHBOARD_LIGHT)).status_code == 503

    own_pg.start()

    assert await until_answered(api, token) < 0.4
