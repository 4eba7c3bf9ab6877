"""Trusted operations the planner takes, answered without Strawberry's per-request steps.

For such a query, or a mutation of one field, Strawberry's view and execution add
nothing to the answer: the document was parsed, validated, costed and planned at
start-up (schema/trusted.py), and of the schema's extensions only the operation's facts,
metrics and log line have work left (schema/operation_log.py). Here those are done by
the same functions, around the same plan. Measured with `make compare`, this saves
about 7% of a dashboard's CPU and 12% of a previewCost's.

Everything else goes through Strawberry, as does a plan that fails. That path gets the
same request context, so nothing read and no rate-limit token is taken twice. A query's
plan runs again there, falls back and is logged as before (schema/planned.py): running
it again repeats no effect, because a query has none. A mutation is never run twice: its
change, if the plan got that far, is kept on the context (`changes_made`), and the
generic executor presents what it answered or raised (schema/mutation.py's `respond`).
"""

import time

from schema.operation_log import answered, operation_facts
from schema.planned import fell_back, run_plan
from schema.trusted import TrustedDocument
from services import metrics


def takes(document: TrustedDocument | None, operation_name: str | None) -> bool:
    """Whether the fast lane answers this request (its largest page within the cost
    limit, so no step is left to run for it)."""
    return (
        document is not None
        and document.plan is not None
        and document.within_cost
        and operation_name in (None, document.operation_name)
    )


async def answer(strawberry_schema, document: TrustedDocument, variables, context) -> dict | None:
    """The operation's data, or None where Strawberry must answer it instead."""
    started = time.perf_counter()
    operation = document.document.definitions[0]  # one operation (schema/trusted.py)
    if not document.is_query:
        context.changes_made = []  # for Strawberry's path, should the plan fail after it
    with operation_facts() as facts:
        facts.trusted = document
        try:
            data = await run_plan(strawberry_schema, document.plan, operation, variables, context)
        except Exception as error:  # noqa: BLE001 - Strawberry's path answers
            if not document.is_query:  # which does not plan it again: say why here
                name = document.operation_name
                metrics.planned_fallback(name or "other", fell_back(name, error))
            return None
        facts.planned = True
    user = context.viewer_id
    kind = document.operation_type.value
    answered(facts, started, kind, document.operation_name, user, None)
    return data
