"""Concurrent requests over HTTP: no update lost, no charge twice, no 5xx."""

import asyncio
import random

from sqlmodel import select

from services.catalog import PlanCode, plan_for
from services.persistence.tables import Channel, Subscription
from tests.api.lookups import acme_omnichannel_id
from tests.support.chains import assert_one_chain
from tests.support.operations import CONNECT_CHANNEL, UPDATE_QUANTITY
from tests.support.people import ADA
from tests.support.snapshot import count

OMNICHANNEL = plan_for(PlanCode.OMNICHANNEL)


async def test_thirty_concurrent_changes_form_one_chain(api, db):
    subscription_id = await acme_omnichannel_id(api)
    quantities = random.Random(7).choices(range(1, 51), k=30)

    responses = await asyncio.gather(
        *(
            api.post(
                UPDATE_QUANTITY,
                {"input": {"subscriptionId": subscription_id, "quantity": quantity}},
                as_user=ADA,
            )
            for quantity in quantities
        )
    )

    assert all(response.status_code == 200 for response in responses)
    bodies = [response.json() for response in responses]
    assert all("errors" not in body for body in bodies), bodies
    accepted = [b for b in bodies if not b["data"]["updateQuantity"]["errors"]]
    changes = await assert_one_chain(db, len(accepted))
    previous = changes[-1].new_quantity
    final = await api.data(
        "query($id: ID!) { subscription(id: $id) { quantity } }", {"id": subscription_id}
    )
    assert final["subscription"]["quantity"] == previous
    # A refusal is only ever "unchanged": the quantity equalled the one just set.
    refused = [
        b["data"]["updateQuantity"]["errors"][0]["code"] for b in bodies if b not in accepted
    ]
    assert set(refused) <= {"QUANTITY_UNCHANGED"}


async def test_twenty_concurrent_duplicates_have_one_effect(api, db):
    subscription_id = await acme_omnichannel_id(api)
    variables = {
        "input": {"subscriptionId": subscription_id, "quantity": 5, "idempotencyKey": "tap-tap"}
    }

    responses = await asyncio.gather(
        *(api.post(UPDATE_QUANTITY, variables, as_user=ADA) for _ in range(20))
    )

    assert {response.status_code for response in responses} == {200}
    payloads = [response.json()["data"]["updateQuantity"] for response in responses]
    assert all(payload == payloads[0] for payload in payloads)
    assert payloads[0]["errors"] == []
    assert payloads[0]["prorationLine"]["amount"]["amount"] == "41.60"
    assert await count(db, "invoice_lines") == 2  # Nov's recurring line, and this one
    assert await count(db, "subscription_changes") == 1


async def test_decreases_racing_connects_never_leave_more_channels_than_slots(api, db):
    subscription_id = await acme_omnichannel_id(api)
    raise_to_ten = {"input": {"subscriptionId": subscription_id, "quantity": 10}}
    assert (await api.data(UPDATE_QUANTITY, raise_to_ten))["updateQuantity"]["errors"] == []
    connects = [
        api.post(
            CONNECT_CHANNEL,
            {"input": {"subscriptionId": subscription_id, "name": f"Line {n}"}},
            as_user=ADA,
        )
        for n in range(12)
    ]
    decreases = [
        api.post(
            UPDATE_QUANTITY,
            {"input": {"subscriptionId": subscription_id, "quantity": quantity}},
            as_user=ADA,
        )
        for quantity in (2, 5, 3, 1)
    ]
    order = random.Random(11)
    requests = connects + decreases
    order.shuffle(requests)

    responses = await asyncio.gather(*requests)

    assert {response.status_code for response in responses} == {200}
    codes = {
        error["code"]
        for response in responses
        for payload in response.json()["data"].values()
        for error in payload["errors"]
    }
    assert codes <= {"NO_FREE_SLOT", "UNITS_IN_USE", "QUANTITY_UNCHANGED"}
    async with db.session() as session:
        subscription = (await session.exec(select(Subscription).order_by(Subscription.id))).first()
        mine = Channel.subscription_id == subscription.id
        channels = (await session.exec(select(Channel).where(mine))).all()
    assert subscription.connected_units == len(channels) <= subscription.quantity
