"""A change meets a database that goes away: before, while and after it commits. The
client is told whether the change may have been applied, and a retry with the same
idempotency key always ends with exactly one change."""

import asyncio

import pytest
from sqlalchemy import event

from tests.api.lookups import acme_omnichannel_id
from tests.faults.clients import codes, send
from tests.support.operations import client_operation
from tests.support.people import ADA
from tests.support.snapshot import count

pytestmark = pytest.mark.slow

UPDATE_QUANTITY = client_operation("UpdateQuantity")
WITH_HISTORY = """
mutation($input: UpdateQuantityInput!) {
  updateQuantity(input: $input) {
    subscription { quantity history { edges { node { newQuantity } } } }
    errors { code }
  }
}
"""


def stop_database_when(engine, own_pg, moment: str) -> None:
    """Stop the database, once, when the first change's audit row is sent and its
    transaction is `moment`: "committing" (just before COMMIT) or "committed" (its
    connection back in the pool)."""
    armed = struck = False

    def arm(_conn, _cursor, statement: str, *_args) -> None:
        nonlocal armed
        armed = armed or statement.startswith("INSERT INTO subscription_changes")

    def strike(*_args) -> None:
        nonlocal struck
        if armed and not struck:
            struck = True
            own_pg.stop()

    event.listen(engine.sync_engine, "before_cursor_execute", arm)
    event.listen(engine.sync_engine, "commit" if moment == "committing" else "checkin", strike)


async def restart(own_pg) -> None:
    # The stop blocked the loop inside a request; let the idle pooled connections
    # read the server's goodbye before it comes back.
    await asyncio.sleep(0.1)
    own_pg.start()


async def _start(own_apis):
    api = await own_apis.start(seed=True)
    token = await api.token(ADA)
    subscription_id = await acme_omnichannel_id(api)
    return api, token, subscription_id


async def test_a_committed_change_is_answered_from_what_it_committed(own_apis, own_pg, own_db):
    api, token, subscription_id = await _start(own_apis)
    change = {"input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "a"}}
    stop_database_when(api.app.state.db.engine, own_pg, "committed")

    response = await send(api, token, UPDATE_QUANTITY, change)

    assert not own_pg.running()  # the answer read nothing after the commit
    assert response.status_code == 200 and "errors" not in response.json()
    payload = response.json()["data"]["updateQuantity"]
    assert payload["subscription"]["quantity"] == 5
    assert payload["subscription"]["upcomingInvoice"]["total"]["amount"] == "246.60"
    assert payload["prorationLine"]["amount"]["amount"] == "41.60"
    await restart(own_pg)
    assert await count(own_db, "subscription_changes") == 1


async def test_a_field_read_after_the_commit_says_the_change_was_applied(own_apis, own_pg, own_db):
    api, token, subscription_id = await _start(own_apis)
    change = {"input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "b"}}
    stop_database_when(api.app.state.db.engine, own_pg, "committed")

    response = await send(api, token, WITH_HISTORY, change)

    assert response.status_code == 200  # there is data: what the change did
    body = response.json()
    assert body["data"]["updateQuantity"]["subscription"] == {"quantity": 5, "history": None}
    [error] = body["errors"]
    assert error["path"] == ["updateQuantity", "subscription", "history"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["changeMayHaveApplied"] is True
    await restart(own_pg)
    retried = await send(api, token, WITH_HISTORY, change)
    assert retried.json()["data"]["updateQuantity"]["subscription"]["quantity"] == 5
    assert await count(own_db, "subscription_changes") == 1


async def test_a_commit_cut_short_may_have_applied_and_the_same_key_settles_it(
    own_apis, own_pg, own_db
):
    api, token, subscription_id = await _start(own_apis)
    change = {"input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "c"}}
    stop_database_when(api.app.state.db.engine, own_pg, "committing")

    response = await send(api, token, UPDATE_QUANTITY, change)

    assert response.status_code == 503 and "data" not in response.json()
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["changeMayHaveApplied"] is True
    await restart(own_pg)
    retried = await send(api, token, UPDATE_QUANTITY, change)
    again = await send(api, token, UPDATE_QUANTITY, change)
    assert codes(retried) == [] and retried.json()["data"]["updateQuantity"]["errors"] == []
    assert again.json() == retried.json()
    assert await count(own_db, "subscription_changes") == 1


async def test_changes_sent_while_the_database_is_down_apply_once_when_retried(
    own_apis, own_pg, own_db
):
    api, token, subscription_id = await _start(own_apis)
    own_pg.stop()
    sent = []
    for number, quantity in enumerate([4, 5, 6]):
        change = {
            "input": {
                "subscriptionId": subscription_id,
                "quantity": quantity,
                "idempotencyKey": f"outage-{number}",
            }
        }
        response = await send(api, token, UPDATE_QUANTITY, change)
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["changeMayHaveApplied"] is False
        sent.append(change)
    own_pg.start()

    for change in sent * 2:  # every change retried, twice
        response = await send(api, token, UPDATE_QUANTITY, change)
        assert response.json()["data"]["updateQuantity"]["errors"] == []

    assert await count(own_db, "subscription_changes") == 3
