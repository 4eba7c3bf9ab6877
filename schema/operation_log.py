"""One structured log line per GraphQL operation (its fields go out as JSON: server.logs),
and its metrics (services/metrics.py)."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from strawberry.extensions import SchemaExtension

from schema.errors import INTERNAL, RATE_LIMITED, UNAVAILABLE
from services import metrics

log = logging.getLogger("octopods.requests")


@dataclass
class OperationFacts:
    """What the schema's extensions learn about the operation running now."""

    planned: bool = False  # answered on a plan (schema/planned.py)
    # Had a plan, and the generic executor answered instead: why (schema/planned.py).
    fallback: str | None = None
    trusted: Any = None  # the manifest's TrustedDocument (schema/trusted.py), if it is one


_current: ContextVar[OperationFacts | None] = ContextVar("operation_facts", default=None)


def current_operation() -> OperationFacts:
    """The facts of the operation running now (a throwaway record outside one)."""
    return _current.get() or OperationFacts()


def _outcome(errors) -> str:
    if not errors:
        return "ok"
    codes = {(error.extensions or {}).get("code") for error in errors}
    if INTERNAL in codes:
        return "server_error"
    if UNAVAILABLE in codes:
        return "unavailable"
    return "rate_limited" if RATE_LIMITED in codes else "client_error"


@contextmanager
def operation_facts() -> Iterator[OperationFacts]:
    """The facts of an operation, current while it runs."""
    facts = OperationFacts()
    token = _current.set(facts)
    try:
        yield facts
    finally:
        _current.reset(token)


def answered(
    facts: OperationFacts,
    started: float,
    operation_type: str | None,
    operation_name: str | None,
    user: int | None,
    errors,
) -> None:
    """The operation's metrics and log line, once it is answered (started: perf_counter)."""
    seconds = time.perf_counter() - started
    outcome = _outcome(errors)
    # Named only for trusted documents: a client cannot grow the label's values.
    name = facts.trusted.operation_name if facts.trusted is not None else None
    metrics.operation_answered(
        name or "other",
        operation_type or "unknown",
        outcome,
        seconds,
        planned=facts.planned,
        fallback=facts.fallback,
    )
    if not log.isEnabledFor(logging.INFO):
        return  # the line's fields cost a little on every request: only when kept
    log.info(
        "graphql %s %s: %s",
        operation_type,
        operation_name,
        outcome,
        extra={
            "event": "graphql",
            "operation": operation_name,
            "type": operation_type,
            "user": user,
            "duration_ms": round(seconds * 1000, 2),
            "outcome": outcome,
            "planned": facts.planned,
        },
    )


class OperationLog(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        with operation_facts() as facts:
            yield
        execution = self.execution_context
        result = execution.result
        try:
            operation_type = execution.operation_type.value
        except RuntimeError:  # the document did not parse
            operation_type = None
        user = getattr(execution.context, "viewer_id", None)
        errors = result.errors if result is not None else None
        answered(facts, started, operation_type, execution.operation_name, user, errors)
