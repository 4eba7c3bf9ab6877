"""Trusted queries the planner takes are answered on the fast lane (schema/fast_lane.py):
byte for byte as Strawberry's path answers them, with the same log line and metrics;
a plan that fails there is answered by Strawberry's path, reading nothing twice."""

import logging

import pytest

from schema import manifest
from services.persistence.statements import statements
from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.support.counted import answered_total, executions, fallbacks
from tests.support.logs import operations
from tests.support.people import ADA

pytestmark = pytest.mark.execution_path("planned")


def text_of(name: str) -> str:
    for text in manifest.operation_files().values():
        if f" {name}(" in text or f" {name} {{" in text:
            return text
    raise AssertionError(name)


async def every_trusted_query(api) -> dict[str, dict]:
    subscription = await acme_omnichannel_id(api)
    return {
        "Dashboard": {},
        "PreviewCost": {"subscriptionId": subscription, "quantity": 7},
        "Invoices": {"accountId": await acme_support_id(api), "first": 2},
        "SubscriptionChannels": {"subscriptionId": subscription},
    }


async def test_every_trusted_query_answers_as_strawberrys_path_does(api):
    # api.post holds each answer and log line to the generic twin's, which Strawberry runs.
    for name, variables in (await every_trusted_query(api)).items():
        assert await api.data(text_of(name), variables), name


@pytest.mark.no_twin(reason="counts this app's operations alone")
async def test_the_fast_lane_skips_strawberrys_steps_but_logs_and_counts(api, caplog, steps_made):
    queries = await every_trusted_query(api)
    steps_made.clear()  # the lookups' own
    for name, variables in queries.items():
        before = answered_total(name), executions(name, "planned")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="octopods.requests"):
            await api.data(text_of(name), variables)
        assert (answered_total(name), executions(name, "planned")) == (
            before[0] + 1,
            before[1] + 1,
        )
        [line] = operations(caplog.records)
        assert line["operation"] == name
        assert (line["type"], line["outcome"], line["planned"]) == ("query", "ok", True)
        assert line["user"] is not None
    assert steps_made == []  # no extension made: Strawberry did not run them


@pytest.mark.no_twin(reason="counts this app's statements and lines alone")
async def test_a_plan_that_fails_on_the_fast_lane_is_answered_by_strawberry_reading_once(
    api, caplog
):
    # An id that names nothing: the plan fails, and the generic executor says NOT_FOUND.
    variables = {"subscriptionId": "U3Vic2NyaXB0aW9uOjk5OTk=", "quantity": 3}
    headers = {"Authorization": f"Bearer {await api.token(ADA)}"}
    body = {"query": text_of("PreviewCost"), "variables": variables}
    before = answered_total("PreviewCost", "client_error"), fallbacks("PreviewCost", "refusal")
    with (
        statements(api.app.state.db.engine) as sent,
        caplog.at_level(logging.INFO, logger="octopods"),
    ):
        response = await api.client.post("/graphql", json=body, headers=headers)
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # The viewer, its rate-limit token (PostgreSQL) and the subscription, each once:
    # Strawberry's path had the fast lane's request context.
    assert len(sent) >= 2
    assert len(set(sent)) == len(sent), "\n".join(statement[:120] for statement in sent)
    lines = [r for r in caplog.records if getattr(r, "event", None) == "planned_fallback"]
    assert [r.reason for r in lines] == ["refusal"]
    assert [line["outcome"] for line in operations(caplog.records)] == ["client_error"]
    after = answered_total("PreviewCost", "client_error"), fallbacks("PreviewCost", "refusal")
    assert after == (before[0] + 1, before[1] + 1)
