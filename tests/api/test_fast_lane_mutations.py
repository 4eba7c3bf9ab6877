"""Trusted mutations of one field take the fast lane too (schema/fast_lane.py). Each
answers as Strawberry's generic path answers the same change made from the same state,
byte for byte and line for line, and the change is made once, even where the plan gives
up after making it and Strawberry's path answers instead."""

import json
import logging
import re

import pytest
import sqlalchemy as sa
from graphql import GraphQLError, OperationType, parse
from sqlmodel import SQLModel, func, select

from resolvers import subscriptions
from resolvers.context import Context
from schema import build_schema, fast_lane, manifest
from schema.mutation import respond
from schema.planned import plan_operation
from schema.trusted import TrustedDocument
from schema.types.mutations import UpdateQuantityPayload
from services.demo import seed as seed_demo_data
from services.persistence.tables import SubscriptionChange
from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.support.api import SECRET, comparable
from tests.support.counted import answered_total, executions, fallbacks
from tests.support.logs import operations, taken
from tests.support.people import ADA, MAX
from tests.support.snapshot import clean

pytestmark = pytest.mark.execution_path("planned")


def texts_of(name: str) -> list[str]:
    """Each text of the operation the manifest holds: operations/ and the page's."""
    pattern = re.compile(rf"\bmutation {name}\(")
    texts = [text for text in manifest.read().values() if pattern.search(text)]
    assert len(texts) == 2, name
    return texts


async def restart(api) -> None:
    """The demo data again, its ids counted from 1 on both databases."""
    await clean(api.db)
    if not api.db.is_sqlite:  # its sequences go on counting after a DELETE
        tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        async with api.db.engine.begin() as connection:
            await connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await seed_demo_data(api.db, api.clock.now())


async def steps(api) -> list[tuple[str, dict, str | None]]:
    """Changes that succeed, replay, are refused, are malformed or are not signed in."""
    omnichannel = await acme_omnichannel_id(api)
    update, page_update = texts_of("UpdateQuantity")
    subscribe, page_subscribe = texts_of("SubscribeProduct")
    connect, page_connect = texts_of("ConnectChannel")
    disconnect, page_disconnect = texts_of("DisconnectChannel")
    channels_text = (manifest.OPERATIONS / "SubscriptionChannels.graphql").read_text()
    shown = await api.data(channels_text, {"subscriptionId": omnichannel})
    first_channel = {"input": {"channelId": shown["subscription"]["channels"][0]["id"]}}

    def quantity(value: int, **more) -> dict:
        return {"input": {"subscriptionId": omnichannel, "quantity": value, **more}}

    account = {"accountId": await acme_support_id(api)}
    channel = {"subscriptionId": omnichannel, "name": "Night shift"}
    return [
        (update, quantity(12, idempotencyKey="twelve"), ADA),
        (update, quantity(12, idempotencyKey="twelve"), ADA),  # a replay
        (page_update, quantity(13, expectedQuantity=12), ADA),
        (update, quantity(13), ADA),  # QUANTITY_UNCHANGED
        (page_update, quantity(9, expectedQuantity=3), ADA),  # stale
        (update, quantity(0), ADA),
        (update, quantity(14, idempotencyKey=""), ADA),  # malformed: an error, no data
        (update, quantity(14), MAX),  # not an admin
        (update, quantity(14), None),  # not signed in: refused before the change
        (update, {"input": {"subscriptionId": "U3Vic2NyaXB0aW9uOjk5OTk=", "quantity": 2}}, ADA),
        (subscribe, {"input": {**account, "planCode": "SLACK", "quantity": 2}}, ADA),
        (page_subscribe, {"input": {**account, "planCode": "SLACK"}}, ADA),  # has it
        (connect, {"input": channel}, ADA),
        (page_connect, {"input": channel}, ADA),  # the name is taken: INVALID_CHANNEL_NAME
        (disconnect, first_channel, ADA),
        (page_disconnect, first_channel, ADA),  # gone already
    ]


async def answers(api, target, planned_steps) -> tuple[list[tuple], list[bool]]:
    """Each step's status, body and log lines, and whether a plan answered it."""
    answered, planned = [], []
    for number, (text, variables, user) in enumerate(planned_steps):
        headers = {"X-Request-ID": f"step-{number}"}
        if user is not None:
            headers["Authorization"] = f"Bearer {await api.token(user)}"
        body = {"query": text, "variables": variables}
        with taken(hidden=False) as lines:
            response = await target.client.post("/graphql", json=body, headers=headers)
        answered.append((response.status_code, response.content, comparable(lines.lines())))
        planned += [line["planned"] for line in lines.lines() if line.get("event") == "graphql"]
    return answered, planned


def refusals(content: bytes) -> list[str]:
    """The codes of an answer's errors, the request's and the payload's."""
    body = json.loads(content)
    payloads = [p for p in (body.get("data") or {}).values() if isinstance(p, dict)]
    return [e["extensions"]["code"] for e in body.get("errors", [])] + [
        e["code"] for payload in payloads for e in payload["errors"]
    ]


async def test_every_trusted_mutation_answers_as_strawberrys_path_does(api):
    await restart(api)  # ids from 1, as after the second restart
    planned_steps = await steps(api)
    on_the_lane, planned = await answers(api, api, planned_steps)
    await restart(api)
    on_strawberrys_path, _ = await answers(api, api.twin, planned_steps)  # plans nothing
    # All but the malformed key (raised by the change) and the missing token
    assert [number for number, on_plan in enumerate(planned) if not on_plan] == [6, 8]
    for number, (lane, generic) in enumerate(zip(on_the_lane, on_strawberrys_path, strict=True)):
        assert lane == generic, f"step {number}: {planned_steps[number][0][:40]!r}"
    codes = [refusals(content) for _, content, _ in on_the_lane]
    assert codes[3:10] == [
        ["QUANTITY_UNCHANGED"],
        ["QUANTITY_CONFLICT"],
        ["INVALID_QUANTITY"],
        ["BAD_USER_INPUT"],
        ["FORBIDDEN"],
        ["UNAUTHENTICATED"],
        ["NOT_FOUND"],
    ], codes
    assert codes[10:] == [
        [],
        ["ALREADY_SUBSCRIBED"],
        [],
        ["INVALID_CHANNEL_NAME"],
        [],
        ["NOT_FOUND"],
    ], codes


@pytest.mark.no_twin(reason="counts this app's lines alone")
async def test_a_change_is_answered_on_the_lane_and_logged_as_a_mutation(api, caplog, steps_made):
    [update, *_] = texts_of("UpdateQuantity")
    variables = {"input": {"subscriptionId": await acme_omnichannel_id(api), "quantity": 12}}
    steps_made.clear()

    def counted() -> tuple[float, float]:
        name = "UpdateQuantity"
        return answered_total(name, kind="mutation"), executions(name, "planned")

    before = counted()
    with caplog.at_level(logging.INFO, logger="octopods.requests"):
        data = await api.data(update, variables)
    assert counted() == (before[0] + 1, before[1] + 1)
    assert data["updateQuantity"]["subscription"]["quantity"] == 12
    [line] = operations(caplog.records)
    assert (line["type"], line["operation"], line["outcome"]) == (
        "mutation",
        "UpdateQuantity",
        "ok",
    )
    assert line["planned"] is True
    assert steps_made == []  # Strawberry made no extension: the lane answered


@pytest.mark.no_twin(reason="counts this app's lines alone")
async def test_a_change_that_raised_on_the_lane_is_answered_by_strawberrys_path(api, caplog):
    # A malformed key is found once the change is asked for: the plan gives up, and
    # Strawberry's path answers with the error the change raised.
    [update, *_] = texts_of("UpdateQuantity")
    omnichannel = await acme_omnichannel_id(api)
    variables = {"input": {"subscriptionId": omnichannel, "quantity": 12}}
    variables["input"]["idempotencyKey"] = "k" * 256
    name = "UpdateQuantity"
    before = fallbacks(name, "refusal"), executions(name, "generic")
    with caplog.at_level(logging.INFO, logger="octopods"):
        body = await api.gql(update, variables)
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["path"]) == ("BAD_USER_INPUT", ["updateQuantity"])
    [line] = operations(caplog.records)
    assert (line["type"], line["outcome"], line["planned"]) == ("mutation", "client_error", False)
    # The lane says why it gave up, once: Strawberry's path does not plan it again.
    lines = [r for r in caplog.records if getattr(r, "event", None) == "planned_fallback"]
    assert [(r.operation, r.reason, r.levelname) for r in lines] == [(name, "refusal", "INFO")]
    assert (fallbacks(name, "refusal"), executions(name, "generic")) == (
        before[0] + 1,
        before[1] + 1,
    )


# A plan that gives up after the change: one page of invoices is at most 100.
AFTER_THE_CHANGE = """mutation ChangeThenFail($input: UpdateQuantityInput!) {
  updateQuantity(input: $input) {
    subscription { quantity account { invoices(first: 1000) { edges { node { id } } } } }
    errors { code }
  }
}"""


def context_of(api, user_token: str) -> Context:
    return Context(
        db=api.db,
        clock=api.clock,
        jwt_secret=SECRET,
        authorization=f"Bearer {user_token}",
        request_id="kept",
    )


@pytest.mark.no_twin(reason="runs the lane and Strawberry's path itself")
async def test_a_plan_that_fails_after_the_change_leaves_it_made_once(api):
    schema = build_schema(test_clock=True)
    document = parse(AFTER_THE_CHANGE)
    trusted = TrustedDocument(
        id="sha256:test",
        text=AFTER_THE_CHANGE,
        document=document,
        operation_type=OperationType.MUTATION,
        operation_name="ChangeThenFail",
        plan=plan_operation(schema, document, None, mutations=True),
        within_cost=True,
    )
    assert trusted.plan is not None
    variables = {"input": {"subscriptionId": await acme_omnichannel_id(api), "quantity": 12}}
    context = context_of(api, await api.token(ADA))
    changes = await changes_recorded(api)

    assert await fast_lane.answer(schema, trusted, variables, context) is None
    assert await changes_recorded(api) == changes + 1
    # Strawberry's path, with the lane's context, as the view runs it after a plan failed
    result = await schema.execute(
        AFTER_THE_CHANGE, variable_values=variables, context_value=context
    )
    assert await changes_recorded(api) == changes + 1  # asked again, not made again
    assert [error.path for error in result.errors or []] == [
        ["updateQuantity", "subscription", "account", "invoices"]
    ]
    # The change made on the lane, not a second ask's QUANTITY_UNCHANGED
    assert result.data == {"updateQuantity": {"subscription": None, "errors": []}}


async def test_a_request_that_keeps_its_change_makes_it_once(api):
    """What Strawberry's path relies on after the lane's plan gave up: asked again, the
    change is presented as it was made (schema/mutation.py's respond)."""
    omnichannel = await acme_omnichannel_id(api)
    context = context_of(api, await api.token(ADA))
    context.changes_made = []

    def change(quantity: int, key: str | None = None):
        return subscriptions.update_quantity(context, omnichannel, quantity, idempotency_key=key)

    changes = await changes_recorded(api)
    first = await respond(context, UpdateQuantityPayload, change(12))
    again = await respond(context, UpdateQuantityPayload, change(13))
    assert again is first
    assert first.subscription.quantity == 12
    assert await changes_recorded(api) == changes + 1

    context.changes_made = []  # the next request's
    with pytest.raises(GraphQLError) as raised:
        await respond(context, UpdateQuantityPayload, change(14, key=""))
    with pytest.raises(GraphQLError) as raised_again:
        await respond(context, UpdateQuantityPayload, change(15))
    assert raised_again.value is raised.value
    assert await changes_recorded(api) == changes + 1

    context.changes_made = None  # not kept: each ask makes a change
    await respond(context, UpdateQuantityPayload, change(16))
    await respond(context, UpdateQuantityPayload, change(17))
    assert await changes_recorded(api) == changes + 3


async def changes_recorded(api) -> int:
    async with api.db.session() as session:
        return (await session.exec(select(func.count()).select_from(SubscriptionChange))).one()
