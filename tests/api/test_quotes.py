"""Quotes (SPEC §10): the previewed price is the charged price, or the change is refused
with QUOTE_EXPIRED and nothing is written."""

from datetime import timedelta

import pytest

from services.permissions import Role
from services.settings import parse_instant
from tests.api.lookups import account_ids, acme_omnichannel_id
from tests.support.factories import set_role
from tests.support.operations import SUBSCRIBE_PRODUCT, UPDATE_QUANTITY
from tests.support.people import ADA, MAX
from tests.support.snapshot import snapshot

QUOTE = """
query Quote($id: ID!, $quantity: Int!) {
  previewCost(subscriptionId: $id, quantity: $quantity) {
    prorationAmount { amount } newMonthlyCost { amount } remainingDays quoteId quoteExpiresAt
  }
}
"""


async def quote(api, subscription_id, quantity, *, as_user=ADA) -> dict:
    variables = {"id": subscription_id, "quantity": quantity}
    return (await api.data(QUOTE, variables, as_user=as_user))["previewCost"]


async def update(api, subscription_id, quantity, quote_id, *, as_user=ADA) -> dict:
    variables = {
        "input": {"subscriptionId": subscription_id, "quantity": quantity, "quoteId": quote_id}
    }
    return (await api.data(UPDATE_QUANTITY, variables, as_user=as_user))["updateQuantity"]


async def assert_expired(api, db, subscription_id, quantity, quote_id, *, as_user=ADA):
    before = await snapshot(db)

    result = await update(api, subscription_id, quantity, quote_id, as_user=as_user)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("QUOTE_EXPIRED", ["input", "quoteId"])
    ]
    assert result["subscription"] is None
    assert await snapshot(db) == before


async def test_a_preview_is_a_quote_for_fifteen_minutes(api):
    quoted = await quote(api, await acme_omnichannel_id(api), 5)

    assert quoted["quoteId"]
    assert quoted["quoteExpiresAt"] == "2026-11-15T12:15:00Z"


async def test_a_change_in_the_same_second_is_charged_the_quote(api):
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)

    result = await update(api, subscription_id, 5, quoted["quoteId"])

    assert result["errors"] == []
    assert result["prorationLine"]["amount"]["amount"] == quoted["prorationAmount"]["amount"]
    assert result["subscription"]["monthlyCost"]["amount"] == quoted["newMonthlyCost"]["amount"]


async def test_a_quote_holds_until_just_before_it_expires(api, db):
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)

    api.clock.advance_to(parse_instant(quoted["quoteExpiresAt"]) - timedelta(seconds=1))
    assert (await update(api, subscription_id, 5, quoted["quoteId"]))["errors"] == []


async def test_a_quote_is_expired_from_its_expiry_on(api, db):
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)

    api.clock.advance_to(parse_instant(quoted["quoteExpiresAt"]))

    await assert_expired(api, db, subscription_id, 5, quoted["quoteId"])


async def test_a_quote_across_midnight_is_expired_when_the_days_left_changed(apis, db):
    api = await apis.start(clock="2026-11-15T23:59:58Z", seed=True)
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)
    assert quoted["remainingDays"] == 16

    api.clock.advance_to(parse_instant("2026-11-16T00:00:01Z"))

    await assert_expired(api, db, subscription_id, 5, quoted["quoteId"])


async def test_a_quote_is_expired_after_another_change_moved_the_quantity(api, db):
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)
    assert (await update(api, subscription_id, 4, None))["errors"] == []

    await assert_expired(api, db, subscription_id, 5, quoted["quoteId"])


async def test_a_quote_for_another_quantity_is_refused(api, db):
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)

    await assert_expired(api, db, subscription_id, 6, quoted["quoteId"])


async def test_another_users_quote_is_refused(api, db):
    subscription_id = await acme_omnichannel_id(api)
    await set_role(db, MAX, "Acme Support", Role.ADMIN)
    adas = await quote(api, subscription_id, 5)

    await assert_expired(api, db, subscription_id, 5, adas["quoteId"], as_user=MAX)


async def test_another_subscriptions_quote_is_refused(api, db):
    subscription_id = await acme_omnichannel_id(api)
    labs = (await account_ids(api))["Acme Labs"]
    added = await api.data(
        SUBSCRIBE_PRODUCT, {"input": {"accountId": labs, "planCode": "OMNICHANNEL", "quantity": 3}}
    )
    other = added["subscribeProduct"]["subscription"]["id"]
    quoted = await quote(api, other, 5)

    await assert_expired(api, db, subscription_id, 5, quoted["quoteId"])


def tampered(quote_id: str) -> list[str]:
    version, payload, signature = quote_id.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    return [
        f"{version}.{flipped}.{signature}",
        f"{version}.{payload}.{signature[::-1]}",
        f"q9.{payload}.{signature}",
        quote_id + "x",
        "x",
        "",
        "a.b.c",
    ]


@pytest.mark.parametrize("case", range(7))
async def test_a_tampered_or_malformed_quote_is_refused(api, db, case):
    subscription_id = await acme_omnichannel_id(api)
    quoted = await quote(api, subscription_id, 5)

    await assert_expired(api, db, subscription_id, 5, tampered(quoted["quoteId"])[case])


async def test_the_usual_checks_come_before_the_quote(api, db):
    subscription_id = await acme_omnichannel_id(api)
    before = await snapshot(db)

    as_member = await update(api, subscription_id, 5, "x", as_user=MAX)
    out_of_range = await update(api, subscription_id, 51, "x")

    assert [e["code"] for e in as_member["errors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in out_of_range["errors"]] == ["INVALID_QUANTITY"]
    assert await snapshot(db) == before


async def test_a_quote_holds_on_another_instance(apis, db):
    first = await apis.start(clock="2026-11-15T12:00:00Z", seed=True)
    second = await apis.start(clock="2026-11-15T12:00:30Z")
    subscription_id = await acme_omnichannel_id(first)
    quoted = await quote(first, subscription_id, 5)

    result = await update(second, subscription_id, 5, quoted["quoteId"])

    assert result["errors"] == []
    assert result["prorationLine"]["amount"]["amount"] == "41.60"


async def test_a_quote_while_trialing_survives_midnight_because_the_charge_is_the_same(apis):
    api = await apis.start(clock="2026-11-15T23:59:58Z", seed=True)
    labs = (await account_ids(api))["Acme Labs"]
    added = await api.data(SUBSCRIBE_PRODUCT, {"input": {"accountId": labs, "planCode": "SLACK"}})
    trial = added["subscribeProduct"]["subscription"]["id"]
    quoted = await quote(api, trial, 2)

    api.clock.advance_to(parse_instant("2026-11-16T00:00:01Z"))

    assert (await update(api, trial, 2, quoted["quoteId"]))["errors"] == []
