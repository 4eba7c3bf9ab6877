"""Subscriptions are streams: they run over WebSocket (graphql-transport-ws), and one
sent over HTTP is refused before it runs rather than half-executed."""

from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError, OperationType, get_operation_ast
from strawberry.extensions import SchemaExtension

OVER_WEBSOCKET = (
    "Subscriptions run over WebSocket at /graphql (protocol graphql-transport-ws), not over HTTP."
)


class SubscriptionsOverWebSocket(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        over_http = getattr(context.context, "connection_params", None) is None
        if context.result is None and context.graphql_document is not None and over_http:
            operation = get_operation_ast(context.graphql_document, context.operation_name)
            if operation is not None and operation.operation is OperationType.SUBSCRIPTION:
                context.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(OVER_WEBSOCKET, extensions={"code": "BAD_REQUEST"})],
                )
        yield
