"""Planned execution answers exactly as the generic executor does, byte for byte."""

import asyncio
import logging

import pytest

from tests.api.lookups import acme_omnichannel_id, acme_support_id, globex_whatsapp_id
from tests.support.logs import operations
from tests.support.operations import client_operation
from tests.support.people import ADA, GUS, MAX

PLAN_AND_PRICES = """
query Catalog { plans { __typename code name unitLabel three: monthlyCost(quantity: 3) { amount }
  firstUnitPrice { amount currency formatted } } now }
"""
BAD_PRICE = "query { plans { monthlyCost(quantity: 0) { amount } } }"
ACCOUNT = """
query Account($id: ID!) { account(id: $id) { id name viewerRole messagingAllowance
  subscriptions { id account { id name } plan { code } upcomingInvoice { id number status } } } }
"""
SUBSCRIPTION = "query S($id: ID!) { subscription(id: $id) { id quantity status trialEndsAt } }"


async def cases(api) -> list[tuple[str, str, dict | None, str | None]]:
    acme = await acme_support_id(api)
    omnichannel = await acme_omnichannel_id(api)
    whatsapp = await globex_whatsapp_id(api)
    dashboard, preview = client_operation("Dashboard"), client_operation("PreviewCost")
    invoices, history = client_operation("Invoices"), client_operation("SubscriptionHistory")
    ada, max_, gus = ADA, MAX, GUS
    return [
        ("dashboard of an admin", dashboard, {"invoicesFirst": 10}, ada),
        ("dashboard of a member", dashboard, None, max_),
        ("dashboard on trial", dashboard, {"invoicesFirst": 1}, gus),
        ("dashboard signed out", dashboard, None, None),
        ("preview", preview, {"subscriptionId": omnichannel, "quantity": 7}, ada),
        ("preview on trial", preview, {"subscriptionId": whatsapp, "quantity": 9}, gus),
        ("preview refused", preview, {"subscriptionId": omnichannel, "quantity": 51}, ada),
        ("preview of another's", preview, {"subscriptionId": omnichannel, "quantity": 2}, gus),
        ("preview of garbage", preview, {"subscriptionId": "nope", "quantity": 2}, ada),
        ("preview mistyped", preview, {"subscriptionId": omnichannel, "quantity": "2"}, ada),
        ("invoices", invoices, {"accountId": acme, "first": 1}, max_),
        ("invoices, bad cursor", invoices, {"accountId": acme, "after": "x"}, ada),
        ("history", history, {"subscriptionId": omnichannel}, ada),
        ("catalog and aliases", PLAN_AND_PRICES, None, None),
        ("price refused", BAD_PRICE, None, None),
        ("account", ACCOUNT, {"id": acme}, max_),
        ("account of another", ACCOUNT, {"id": acme}, gus),
        ("subscription", SUBSCRIPTION, {"id": whatsapp}, gus),
    ]


# It starts each path itself.
pytestmark = pytest.mark.execution_path("planned")


@pytest.fixture
async def both(apis):
    planned = await apis.start(seed=True)
    generic = await apis.start(planned_execution=False)
    return planned, generic


async def test_every_case_answers_the_same_on_both_paths(both, caplog):
    planned, generic = both
    # A change first, so the upcoming invoice holds a proration line.
    omnichannel = await acme_omnichannel_id(planned)
    change = client_operation("UpdateQuantity")
    await planned.data(change, {"input": {"subscriptionId": omnichannel, "quantity": 5}})

    served = {}
    for name, query, variables, user in await cases(planned):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="octopods.requests"):
            mine = await planned.post(query, variables, as_user=user)
        [line] = operations(caplog.records)
        served[name] = line["planned"]
        theirs = await generic.post(query, variables, as_user=user)
        assert mine.status_code == theirs.status_code, name
        assert mine.text == theirs.text, name
    # Successes were planned; refusals fell back to the generic executor.
    assert served["dashboard of an admin"] and served["preview"] and served["invoices"]
    assert not served["preview refused"] and not served["dashboard signed out"]


def test_the_dashboard_queries_are_planned():
    from graphql import parse

    from schema import build_schema
    from schema.planned import plan_operation

    schema = build_schema(test_clock=False)
    for name in ("Dashboard", "PreviewCost", "Invoices"):
        assert plan_operation(schema, parse(client_operation(name)), None) is not None, name
    # A field behind an admin-only permission stays on the generic path.
    assert plan_operation(schema, parse(client_operation("SubscriptionHistory")), None) is None


def _selection_below(document: str, *keys: str):
    """The plan of the object `keys` leads to, in a planned document."""
    from graphql import parse

    from schema import build_schema
    from schema.planned import plan_operation

    selection = plan_operation(build_schema(test_clock=False), parse(document), None)
    for key in keys:
        selection = next(f for f in selection.fields if f.key == key).selection
    return selection


def test_a_synchronous_object_answers_its_values_and_falls_back_on_a_broken_promise():
    from decimal import Decimal
    from types import SimpleNamespace

    from schema.planned import Execution, Fallback, PlannedInfo

    invoice = _selection_below(
        "query Q($id: ID!) { subscription(id: $id) { upcomingInvoice "
        "{ number status total { amount formatted } } } }",
        "subscription",
        "upcomingInvoice",
    )
    execution = Execution(PlannedInfo(context=None), variables={})
    total = SimpleNamespace(amount=Decimal("41.60"), formatted="$41.60")
    upcoming = SimpleNamespace(number=None, status=None, total=total)

    # `number` may be null; `status` may not: the generic executor must answer then.
    with pytest.raises(Fallback) as fell_back:
        execution.sync_object(invoice, upcoming)
    assert fell_back.value.args == ("status",) and fell_back.value.reason == "null"

    from services.billing.invoices import InvoiceStatus

    upcoming.status = InvoiceStatus.UPCOMING
    assert execution.sync_object(invoice, upcoming) == {
        "number": None,
        "status": "UPCOMING",
        "total": {"amount": "41.60", "formatted": "$41.60"},
    }


def _planned_field(key, *, resolve=None, attribute=None, selection=None, **shape):
    """A field as the planner makes it: an attribute, or an async resolver."""
    from schema.planned import Field, _completion

    f = Field(
        key=key,
        resolve=resolve or (lambda source, _info, _arguments: getattr(source, attribute)),
        is_async=resolve is not None,
        node=None,
        graphql_field=None,
        argument_names={},
        permissions=(),
        serialize=None if selection is not None else str,
        selection=selection,
        is_list=shape.get("is_list", False),
        nullable=shape.get("nullable", False),
        item_nullable=shape.get("item_nullable", False),
        attribute=attribute,
    )
    f.awaits = f.is_async or (selection is not None and not selection.is_sync)
    f.complete = None if f.awaits else _completion(f)
    return f


def _planned_selection(*fields):
    from schema.planned import Selection

    return Selection(fields=list(fields), is_sync=not any(f.awaits for f in fields))


async def test_lists_of_objects_are_completed_breadth_first_with_their_nulls_in_place():
    from types import SimpleNamespace

    from schema.planned import Execution, Fallback, PlannedInfo

    resolved: list[str] = []

    async def name(member, _info, _arguments):
        resolved.append(member.name)
        await asyncio.sleep(0.01 if member.name == "ann" else 0)  # ends last, stays first
        return member.name

    async def members(group, _info, _arguments):
        return group.members

    def groups(allow_null_members: bool):
        member = _planned_selection(
            _planned_field("id", attribute="id"), _planned_field("name", resolve=name)
        )
        group = _planned_selection(
            _planned_field("title", attribute="title"),
            _planned_field(
                "members",
                resolve=members,
                selection=member,
                is_list=True,
                nullable=True,
                item_nullable=allow_null_members,
            ),
        )
        return _planned_selection(
            _planned_field("groups", attribute="groups", selection=group, is_list=True)
        )

    def person(key, name):
        return SimpleNamespace(id=key, name=name)

    root = SimpleNamespace(
        groups=[
            SimpleNamespace(title="a", members=[person(1, "ann"), None, person(2, "bob")]),
            SimpleNamespace(title="b", members=None),
            SimpleNamespace(title="c", members=[]),
            SimpleNamespace(title="d", members=[person(3, "cy")]),
        ]
    )
    execution = Execution(PlannedInfo(context=None), variables={})

    answer = await execution.async_object(groups(allow_null_members=True), root)

    assert answer == {
        "groups": [
            {
                "title": "a",
                "members": [{"id": "1", "name": "ann"}, None, {"id": "2", "name": "bob"}],
            },
            {"title": "b", "members": None},
            {"title": "c", "members": []},
            {"title": "d", "members": [{"id": "3", "name": "cy"}]},
        ]
    }
    assert resolved == ["ann", "bob", "cy"]  # each member once, the null one never
    with pytest.raises(Fallback) as fell_back:
        await execution.async_object(groups(allow_null_members=False), root)
    assert fell_back.value.args == ("members",) and fell_back.value.reason == "null"
