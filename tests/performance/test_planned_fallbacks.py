"""A planned query the plan cannot finish: the plan's work stops before the generic
executor starts, and the fallback is logged with its reason."""

import gc
import inspect
import logging

import pytest
import sqlalchemy as sa

from services.metrics import REGISTRY
from tests.api.lookups import acme_support_id
from tests.support.logs import written

pytestmark = pytest.mark.execution_path("planned")


def fallbacks_counted(reason: str) -> float:
    labels = {"operation": "other", "reason": reason}
    return REGISTRY.get_sample_value("octopods_graphql_planned_fallbacks_total", labels) or 0


# previewCost fails on its id after one round of reads; account's subscriptions and
# their invoices need several more: they are still reading when it fails.
FAILS_BESIDE_A_SLOW_SIBLING = """
query Siblings($acme: ID!) {
  previewCost(subscriptionId: "nope", quantity: 2) { newQuantity }
  account(id: $acme) { name subscriptions { quantity upcomingInvoice { number
    lines { kind quantity } } channels { name } } }
}
"""


class StillRunning(logging.Handler):
    """At the fallback's line, the plan's coroutines not yet ended, whether a task of
    their own runs them or schema.together does."""

    def __init__(self):
        super().__init__()
        self.seen: list[list[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        running = [
            found.__qualname__
            for found in gc.get_objects()
            if inspect.iscoroutine(found)
            and found.__qualname__.startswith("Execution.")
            and inspect.getcoroutinestate(found) != inspect.CORO_CLOSED
        ]
        self.seen.append(running)


@pytest.fixture
def fallbacks(caplog):
    """The planner's lines, and what of the plan still ran when each was written."""
    planner = logging.getLogger("octopods.planned")
    still_running = StillRunning()
    planner.addHandler(still_running)
    with caplog.at_level(logging.INFO, logger="octopods.planned"):
        yield caplog, still_running
    planner.removeHandler(still_running)


async def test_a_failed_field_stops_its_siblings_before_the_generic_executor_starts(api, fallbacks):
    caplog, still_running = fallbacks
    acme = await acme_support_id(api)
    caplog.clear()

    body = await api.gql(FAILS_BESIDE_A_SLOW_SIBLING, {"acme": acme})

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    [line] = written(caplog.records, "octopods.planned")
    assert (line["level"], line["reason"], line["operation"]) == ("INFO", "refusal", "Siblings")
    assert still_running.seen == [[]]


async def test_variables_that_do_not_coerce_fall_back_quietly(api, fallbacks):
    caplog, _ = fallbacks
    query = "query Cost($q: Int!) { plans { monthlyCost(quantity: $q) { amount } } }"

    body = await api.gql(query, {"q": "three"})

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    [line] = written(caplog.records, "octopods.planned")
    assert (line["level"], line["reason"]) == ("INFO", "variables")


async def test_a_failure_falls_back_with_a_warning_and_is_masked(api, db, fallbacks):
    caplog, _ = fallbacks
    query = "query Names { viewer { memberships { account { name subscriptions { quantity } } } } }"
    await api.data(query)  # planned while the table is there
    caplog.clear()
    counted = fallbacks_counted("error")

    async with db.engine.begin() as connection:
        await connection.execute(sa.text("ALTER TABLE subscriptions RENAME TO away"))
    try:
        body = await api.gql(query)
    finally:
        async with db.engine.begin() as connection:
            await connection.execute(sa.text("ALTER TABLE away RENAME TO subscriptions"))

    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"].startswith("Something went wrong on our side")
    [line] = written(caplog.records, "octopods.planned")
    assert (line["level"], line["reason"], line["operation"]) == ("WARNING", "error", "Names")
    assert "subscriptions" in line["error"]  # the log says what failed; the client is not told
    for leak in ("subscriptions", "Traceback", "SELECT", "sqlite", "asyncpg", "Error"):
        assert leak not in str(body), leak
    assert fallbacks_counted("error") == counted + 1
