"""What the process's metrics (services/metrics.py) counted, for before-and-after checks."""

from services.metrics import REGISTRY


def answered_total(operation: str, outcome: str = "ok", kind: str = "query") -> float:
    labels = {"operation": operation, "type": kind, "outcome": outcome}
    return REGISTRY.get_sample_value("octopods_graphql_operations_total", labels) or 0


def executions(operation: str, path: str) -> float:
    labels = {"operation": operation, "path": path}
    return REGISTRY.get_sample_value("octopods_graphql_query_executions_total", labels) or 0


def fallbacks(operation: str, reason: str) -> float:
    labels = {"operation": operation, "reason": reason}
    return REGISTRY.get_sample_value("octopods_graphql_planned_fallbacks_total", labels) or 0
