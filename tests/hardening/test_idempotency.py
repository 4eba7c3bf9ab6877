"""Idempotency keys: a retry has one effect, a reused key with other input is refused."""

import json
from datetime import timedelta

from sqlmodel import select

from resolvers import ids
from services.idempotency import fingerprint, purge
from services.permissions import Role
from services.persistence.tables import IdempotencyKey, InvoiceLine
from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.support.factories import set_role
from tests.support.operations import SUBSCRIBE_PRODUCT, UPDATE_QUANTITY
from tests.support.people import ADA, MAX
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
    his = await api.data(UPDATE_QUANTITY, change(subscription_id, 6, key="shared"), as_user=MAX)

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
        assert body["errors"][0]["extensions"]["field"] == ["input", "idempotencyKey"]
        assert "idempotency key must be 1 to 255 characters" in body["errors"][0]["message"]
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


# A repeat is answered only to who may still make the change (SPEC §6), and with the
# first payload, not with today's state.


async def test_a_repeat_after_losing_membership_is_not_found_and_shows_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, change(subscription_id, 5))
    await set_role(db, ADA, "Acme Support", None)
    before = await snapshot(db)

    again = (await api.data(UPDATE_QUANTITY, change(subscription_id, 5)))["updateQuantity"]

    assert [error["code"] for error in again["errors"]] == ["NOT_FOUND"]
    assert again["subscription"] is None and again["prorationLine"] is None
    assert await snapshot(db) == before


async def test_a_repeat_after_demotion_is_forbidden(api, db):
    subscription_id = await acme_omnichannel_id(api)
    await api.data(UPDATE_QUANTITY, change(subscription_id, 5))
    await set_role(db, ADA, "Acme Support", Role.MEMBER)

    again = (await api.data(UPDATE_QUANTITY, change(subscription_id, 5)))["updateQuantity"]

    assert [error["code"] for error in again["errors"]] == ["FORBIDDEN"]
    assert again["subscription"] is None


async def test_a_repeat_of_subscribe_after_demotion_is_forbidden(api, db):
    account_id = await acme_support_id(api)
    variables = {"input": {"accountId": account_id, "planCode": "SLACK", "idempotencyKey": "s"}}
    await api.data(SUBSCRIBE_PRODUCT, variables)
    await set_role(db, ADA, "Acme Support", Role.MEMBER)

    again = (await api.data(SUBSCRIBE_PRODUCT, variables))["subscribeProduct"]

    assert [error["code"] for error in again["errors"]] == ["FORBIDDEN"]
    assert again["subscription"] is None


async def test_a_repeat_after_another_change_returns_the_first_payload(api, db):
    subscription_id = await acme_omnichannel_id(api)
    first = await api.data(UPDATE_QUANTITY, change(subscription_id, 5, key="K1"))
    await api.data(UPDATE_QUANTITY, change(subscription_id, 9, key="K2"))
    after_both = await snapshot(db)

    again = await api.data(UPDATE_QUANTITY, change(subscription_id, 5, key="K1"))

    assert again == first
    assert again["updateQuantity"]["subscription"]["quantity"] == 5
    assert again["updateQuantity"]["subscription"]["upcomingInvoice"]["total"]["amount"] == (
        "246.60"
    )
    assert await snapshot(db) == after_both


async def test_a_key_stored_before_fingerprints_named_domain_operations_still_repeats(api, db):
    """Keys written by the release before 2026-11-30 (kept a day) still replay."""
    subscription_id = await acme_omnichannel_id(api)
    first = (await api.data(UPDATE_QUANTITY, change(subscription_id, 5, key="old")))[
        "updateQuantity"
    ]
    key_id = ids.decode(subscription_id, "Subscription")
    legacy = fingerprint(
        "updateQuantity", {"subscription_id": key_id, "quantity": 5, "expected_quantity": None}
    )
    async with db.transaction() as session:
        stored = (await session.exec(select(IdempotencyKey))).one()
        line_id = (
            await session.exec(select(InvoiceLine.id).order_by(InvoiceLine.id.desc()))
        ).first()
        stored.operation, stored.fingerprint = "updateQuantity", legacy
        stored.outcome = json.dumps(
            {"subscription_id": key_id, "proration_line_id": line_id, "old_quantity": 3}
        )
        session.add(stored)

    again = (await api.data(UPDATE_QUANTITY, change(subscription_id, 5, key="old")))[
        "updateQuantity"
    ]
    reused = (await api.data(UPDATE_QUANTITY, change(subscription_id, 6, key="old")))[
        "updateQuantity"
    ]

    assert again["errors"] == []
    assert again["prorationLine"] == first["prorationLine"]
    assert again["subscription"]["quantity"] == 5
    assert [error["code"] for error in reused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_a_key_with_a_nul_character_is_a_clear_error_on_every_database(api, db):
    subscription_id = await acme_omnichannel_id(api)
    before = await snapshot(db)

    body = await api.gql(UPDATE_QUANTITY, change(subscription_id, 5, key="tap\x00tap"))

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NUL" in body["errors"][0]["message"]
    assert await snapshot(db) == before
