"""A query the planner runs still gets what the schema's extensions do: its operation
line and metrics, and the limits, which refuse a plannable document before it runs.
(Error masking on a planned query: test_planned_fallbacks.py.)"""

import logging

import pytest

from services.metrics import REGISTRY
from tests.api.lookups import acme_omnichannel_id
from tests.support.logs import operations, written
from tests.support.operations import client_operation
from tests.support.people import ADA

pytestmark = pytest.mark.execution_path("planned")


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.mark.no_twin(reason="a twin's requests would be counted too")
async def test_a_planned_query_is_logged_and_counted(api, caplog):
    answered = {"operation": "Dashboard", "type": "query", "outcome": "ok"}
    before = (
        sample("octopods_graphql_operations_total", **answered),
        sample("octopods_graphql_query_executions_total", operation="Dashboard", path="planned"),
        sample(
            "octopods_graphql_operation_duration_seconds_count", operation="Dashboard", outcome="ok"
        ),
    )

    with caplog.at_level(logging.INFO, logger="octopods.requests"):
        response = await api.post(client_operation("Dashboard"), as_user=ADA)

    assert response.status_code == 200 and "errors" not in response.json()
    [line] = operations(caplog.records)
    assert line["planned"] is True
    assert (line["operation"], line["type"], line["outcome"]) == ("Dashboard", "query", "ok")
    assert line["user"] is not None and line["request_id"] == response.headers["x-request-id"]
    after = (
        sample("octopods_graphql_operations_total", **answered),
        sample("octopods_graphql_query_executions_total", operation="Dashboard", path="planned"),
        sample(
            "octopods_graphql_operation_duration_seconds_count", operation="Dashboard", outcome="ok"
        ),
    )
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]


def aliases(n: int) -> str:
    return "query Many { " + " ".join(f"a{i}: now" for i in range(n)) + " }"


def chain(depth: int) -> str:
    """subscription → upcomingInvoice → subscription → … `depth` deep, no list to cost."""
    inner = "id"
    for level in range(depth, 1, -1):  # from the innermost
        inner = f"{'subscription' if level % 2 else 'upcomingInvoice'} {{ {inner} }}"
    return f"query Deep($id: ID!) {{ subscription(id: $id) {{ {inner} }} }}"


def costly(first: int) -> str:
    lines = "lines { kind description quantity amount { amount currency formatted } }"
    upcoming = f"upcomingInvoice {{ {lines} }}"
    node = f"node {{ id number total {{ amount }} {lines} subscription {{ id {upcoming} }} }}"
    return f"""query Costly($id: ID!) {{ subscription(id: $id) {{ account {{ subscriptions {{
        account {{ invoices(first: {first}) {{ edges {{ {node} }} }} }} }} }} }} }}"""


# The same plannable shape within each limit and beyond it.
LIMITS = {
    "depth": (chain(12), chain(13), "exceeds maximum operation depth"),
    "aliases": (aliases(30), aliases(31), "aliases found"),
    "cost": (costly(1), costly(100), "too costly"),
}


@pytest.mark.parametrize("limit", LIMITS)
async def test_the_limits_refuse_a_plannable_document_before_it_runs(api, caplog, limit):
    within, beyond, refusal = LIMITS[limit]
    variables = {"id": await acme_omnichannel_id(api)} if "$id" in within else None

    with caplog.at_level(logging.INFO, logger="octopods"):
        planned = await api.post(within, variables, as_user=ADA)
        [line] = operations(caplog.records)
        caplog.clear()
        refused = await api.post(beyond, variables, as_user=ADA)

    assert "errors" not in planned.json(), planned.text
    assert line["planned"] is True
    assert refusal in refused.json()["errors"][0]["message"]
    [line] = operations(caplog.records)
    assert (line["planned"], line["outcome"]) == (False, "client_error")
    assert written(caplog.records, "octopods.planned") == []  # the planner never saw it


async def test_the_token_limit_refuses_before_anything_is_read(api, caplog):
    # Parsing stops at the limit: no document that long reaches the planner, whatever
    # its shape (plannable ones repeat no key, so 30 aliases are their most).
    with caplog.at_level(logging.INFO, logger="octopods"):
        refused = await api.post("query Long { " + "now " * 2500 + "}", as_user=ADA)

    assert "tokens" in refused.json()["errors"][0]["message"]
    [line] = operations(caplog.records)
    assert (line["planned"], line["outcome"]) == (False, "client_error")
    assert written(caplog.records, "octopods.planned") == []
