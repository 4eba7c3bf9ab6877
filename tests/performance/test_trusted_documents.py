"""A request naming a trusted document does no document work (SPEC §12): no parsing,
validation, cost estimate or planning; all of it was done once at start-up."""

import collections
import uuid

import pytest

from schema import manifest
from tests.api.lookups import acme_omnichannel_id
from tests.support.people import ADA


def by_name(name: str) -> tuple[str, str]:
    for key, text in manifest.operation_files().items():
        if f" {name}(" in text or f" {name} {{" in text:
            return key, text
    raise AssertionError(name)


@pytest.fixture
def document_work(monkeypatch) -> collections.Counter:
    """How often each step of document work runs, from now on."""
    import strawberry.schema.schema as strawberry_schema

    import schema.cost
    import schema.parsing
    import schema.planned

    calls: collections.Counter = collections.Counter()

    def counted(owner, name: str) -> None:
        original = getattr(owner, name)

        def count(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, count)

    counted(strawberry_schema, "parse")
    counted(strawberry_schema, "validate_document")
    counted(schema.parsing, "parse")
    counted(schema.parsing, "validate")
    counted(schema.cost.CostEstimate, "cost")
    counted(schema.planned.Planner, "selection")
    return calls


async def post(api, body: dict) -> dict:
    headers = {"Authorization": f"Bearer {await api.token(ADA)}"}
    response = await api.client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "errors" not in answer, answer
    return answer


async def test_requests_by_id_do_no_document_work(api, document_work):
    subscription_id = await acme_omnichannel_id(api)
    document_work.clear()
    dashboard, _ = by_name("Dashboard")
    preview, _ = by_name("PreviewCost")
    update, _ = by_name("UpdateQuantity")

    await post(api, {"documentId": dashboard})
    await post(
        api,
        {"documentId": preview, "variables": {"subscriptionId": subscription_id, "quantity": 5}},
    )
    await post(
        api,
        {
            "documentId": update,
            "variables": {"input": {"subscriptionId": subscription_id, "quantity": 4}},
        },
    )

    assert document_work == {}


async def test_new_text_does_the_work(api, document_work, execution_path):
    _, dashboard = by_name("Dashboard")

    await post(api, {"query": f"{dashboard}\n# never sent before: {uuid.uuid4()}"})

    assert document_work["parse"] >= 1
    assert document_work["validate"] >= 1
    # Only the planned path plans (schema/planned.py).
    assert (document_work["selection"] >= 1) == (execution_path == "planned")
    assert document_work["cost"] >= 1


LEAN_STEPS = [
    "OperationLog",
    "PresentErrors",
    "TrustedExecution",
    "SubscriptionsOverWebSocket",
    "PlannedExecution",
]


@pytest.mark.execution_path("planned")
@pytest.mark.no_twin(reason="the twin's operations would be recorded too")
async def test_a_trusted_document_runs_only_the_steps_with_work_left(api, steps_made):
    dashboard_id, dashboard = by_name("Dashboard")
    headers = {"Authorization": f"Bearer {await api.token(ADA)}"}

    await post(api, {"documentId": dashboard_id})
    await post(api, {"query": dashboard})
    # Over GET (its cache headers) Strawberry's view runs it, with the steps left.
    response = await api.client.get(
        "/graphql", params={"documentId": dashboard_id}, headers=headers
    )
    assert response.status_code == 200, response.text
    await post(api, {"query": f"{dashboard}\n# not the manifest's text"})

    # By id or text over POST, the fast lane answers: no step is made (tests/api/test_fast_lane.py).
    by_get, free_text = steps_made
    # The log, the metrics, masking and the plan still run; parsing, validation and
    # the cost estimate were done at start-up.
    assert by_get == LEAN_STEPS
    assert {"DocumentCache", "DocumentValidation", "QueryCostLimiter"} <= set(free_text)
    assert set(LEAN_STEPS) <= set(free_text)


def test_a_trusted_document_whose_largest_page_costs_too_much_keeps_the_cost_limit():
    from dataclasses import replace

    from schema import build_schema, trusted

    schema = build_schema()
    dashboard_id, _ = by_name("Dashboard")
    costly = replace(schema.trusted.named(dashboard_id), within_cost=False)

    token = trusted.running.set(costly)
    try:
        steps = [type(extension).__name__ for extension in schema.get_extensions()]
    finally:
        trusted.running.reset(token)

    assert steps == [*LEAN_STEPS[:-1], "QueryCostLimiter", "PlannedExecution"]
