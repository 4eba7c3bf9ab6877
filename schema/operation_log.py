"""One structured log line per GraphQL operation."""

import json
import logging
import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from schema.errors import INTERNAL

log = logging.getLogger("octopods.requests")


def _outcome(errors) -> str:
    if not errors:
        return "ok"
    codes = {(error.extensions or {}).get("code") for error in errors}
    return "server_error" if INTERNAL in codes else "client_error"


class OperationLog(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        execution = self.execution_context
        context = execution.context
        viewer = getattr(context, "_viewer", None)
        result = execution.result
        try:
            operation_type = execution.operation_type.value
        except RuntimeError:  # the document did not parse
            operation_type = None
        log.info(
            json.dumps(
                {
                    "event": "graphql",
                    "operation": execution.operation_name,
                    "type": operation_type,
                    "user": viewer.user_id if viewer is not None else None,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "outcome": _outcome(result.errors if result is not None else None),
                    "planned": getattr(context, "planned", False),
                    "request_id": getattr(context, "request_id", None),
                }
            )
        )
