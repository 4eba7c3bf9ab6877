"""How errors reach clients: refusals keep their message and get a code; anything
unexpected is masked to a generic message with a request id, and logged in full."""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from services.errors import DomainError

log = logging.getLogger("octopods.errors")

INTERNAL = "INTERNAL_SERVER_ERROR"
GENERIC_MESSAGE = "Something went wrong on our side. Quote the request id if you report it."
# graphql-core's words for variable values it could not take (validation errors, which
# can also start with "Variable", carry their code already: schema/parsing.py).
VARIABLE_ERRORS = ("Variable ", "Too many errors processing variables")


def is_unexpected(error: GraphQLError) -> bool:
    """A failure of ours rather than a refusal of the request."""
    original = error.original_error
    if original is None or isinstance(original, (DomainError, GraphQLError)):
        return False
    # A value that failed to parse as an argument or variable: the client's input.
    return not (error.path is None and error.nodes)


def _client_code(error: GraphQLError) -> str:
    if isinstance(error.original_error, DomainError):
        return error.original_error.code.value
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith(VARIABLE_ERRORS):  # values sent that do not fit
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def present(error: GraphQLError, request_id: str | None) -> GraphQLError:
    if is_unexpected(error):
        return GraphQLError(
            GENERIC_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": INTERNAL, "requestId": request_id},
        )
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", _client_code(error))
    original = error.original_error
    if isinstance(original, DomainError) and original.field:
        extensions.setdefault("field", list(original.field))
    return GraphQLError(error.message, nodes=error.nodes, path=error.path, extensions=extensions)


def request_id_of(execution_context) -> str | None:
    return getattr(execution_context.context, "request_id", None)


class PresentErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            request_id = request_id_of(self.execution_context)
            result.errors = [present(error, request_id) for error in result.errors]


def log_unexpected(errors: list[GraphQLError], execution_context) -> None:
    """Called before masking, so the log keeps what the client must not see."""
    for error in errors:
        if is_unexpected(error):
            original = error.original_error
            log.error(
                "unexpected error request_id=%s path=%s",
                request_id_of(execution_context),
                error.path,
                exc_info=(type(original), original, original.__traceback__),
            )
