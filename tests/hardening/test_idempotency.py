"""Idempotency keys: a retry has one effect, a reused key with other input is refused."""

from datetime import timedelta

from services.idempotency import purge
from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.api.operations import SUBSCRIBE_PRODUCT, UPDATE_QUANTITY
from tests.support.snapshot import count, snapshot


def change(subscription_id: str, quantity: int, key: str | None = "retry-1") -> dict:
    return {
        "input": {"subscriptionId": subscription_id, "quantity": quantity, "idempotencyKey": key}
    }


async def test_a_repeat_returns_the_first_payload_and_changes_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)
    first = await api.data(UPDATE_QUANTITY, change(subscription_id, 5))
    after_first = await snapshot(db)

    again = await api.data(UPDATE_QUANTITY, change(subscription_id, 5))

    assert again == first
    assert first["updateQuantity"]["prorationLine"]["amount"]["amount"] == "41.60"
    assert await snapshot(db) == after_first


async def test_the_same_key_with_other_input_is_refused_and_writes_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, change(subscription_id, 5))
    before = await snapshot(db)

    refused = (await api.data(UPDATE_QUANTITY, change(subscription_id, 6)))["updateQuantity"]

    assert refused["errors"] == [
        {
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "This idempotency key was used for a different request; use a new key.",
            "field": ["input", "idempotencyKey"],
        }
    ]
    assert refused["subscription"] is None
    assert await snapshot(db) == before


async def test_keys_belong_to_one_user(api):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, change(subscription_id, 5, key="shared"))

    # Max is a member: his own use of the same key is his own request, refused as such.
    his = await api.data(
        UPDATE_QUANTITY, change(subscription_id, 6, key="shared"), as_user="max@acme.test"
    )

    assert [error["code"] for error in his["updateQuantity"]["errors"]] == ["FORBIDDEN"]


async def test_a_refused_change_leaves_no_key_behind(api, db):
    subscription_id = await acme_omnichannel_id(api)
    refused = await api.data(UPDATE_QUANTITY, change(subscription_id, 3))  # unchanged
    assert refused["updateQuantity"]["errors"][0]["code"] == "QUANTITY_UNCHANGED"

    accepted = await api.data(UPDATE_QUANTITY, change(subscription_id, 4))

    assert accepted["updateQuantity"]["errors"] == []
    assert await count(db, "idempotency_keys") == 1


async def test_a_key_of_the_wrong_length_is_a_clear_error(api, db):
    subscription_id = await acme_omnichannel_id(api)
    before = await snapshot(db)

    for key in ["", "k" * 256]:
        body = await api.gql(UPDATE_QUANTITY, change(subscription_id, 5, key=key))
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "idempotencyKey must be 1 to 255 characters" in body["errors"][0]["message"]
    assert await snapshot(db) == before
    assert (await api.data(UPDATE_QUANTITY, change(subscription_id, 5, key="k" * 255)))[
        "updateQuantity"
    ]["errors"] == []


async def test_keys_are_kept_a_day_and_then_purged(api, db):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, change(subscription_id, 5))

    api.clock.advance_to(api.clock.now() + timedelta(hours=23, minutes=59))
    assert await purge(db, api.clock.now(), timedelta(hours=24)) == 0
    replay = await api.data(UPDATE_QUANTITY, change(subscription_id, 6))
    assert replay["updateQuantity"]["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"

    api.clock.advance_to(api.clock.now() + timedelta(minutes=2))
    assert await purge(db, api.clock.now(), timedelta(hours=24)) == 1
    reused = await api.data(UPDATE_QUANTITY, change(subscription_id, 6))
    assert reused["updateQuantity"]["errors"] == []


async def test_an_expired_key_counts_as_new_even_before_the_purge(api):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, change(subscription_id, 5))

    api.clock.advance_to(api.clock.now() + timedelta(hours=25))
    again = await api.data(UPDATE_QUANTITY, change(subscription_id, 6))

    assert again["updateQuantity"]["errors"] == []
    assert again["updateQuantity"]["subscription"]["quantity"] == 6


async def test_subscribe_product_replays_too(api, db):
    account_id = await acme_support_id(api)
    variables = {
        "input": {"accountId": account_id, "planCode": "SLACK", "idempotencyKey": "add-slack"}
    }
    first = await api.data(SUBSCRIBE_PRODUCT, variables)

    again = await api.data(SUBSCRIBE_PRODUCT, variables)

    assert again == first
    assert first["subscribeProduct"]["errors"] == []
    assert await count(db, "subscriptions") == 3
