"""How errors reach clients: refusals keep their message and get a code and the input
field at fault; a database that cannot answer is SERVICE_UNAVAILABLE, logged once per
outage; anything else unexpected is masked to a generic message with a request id,
and logged in full."""

import logging
import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from services.errors import (
    DomainError,
    InvalidInput,
    NotSignedIn,
    RateLimited,
    Refused,
    Subject,
)
from services.persistence.database import CommitInDoubt, is_unavailable

log = logging.getLogger("octopods.errors")

INTERNAL = "INTERNAL_SERVER_ERROR"
UNAVAILABLE = "SERVICE_UNAVAILABLE"
RATE_LIMITED = "RATE_LIMITED"
GENERIC_MESSAGE = "Something went wrong on our side. Quote the request id if you report it."
# graphql-core's words for variable values it could not take (validation errors, which
# can also start with "Variable", carry their code already: schema/parsing.py).
VARIABLE_ERRORS = ("Variable ", "Too many errors processing variables")
UNAVAILABLE_MESSAGE = "The service cannot reach its database just now; try again shortly."
# The database is usually back within a second of a restart (SPEC §7, /readyz).
UNAVAILABLE_RETRY_AFTER = 1

# The argument (or input field) that carries each domain thing.
ARGUMENT_OF = {
    Subject.ACCOUNT: "accountId",
    Subject.SUBSCRIPTION: "subscriptionId",
    Subject.PLAN: "planCode",
    Subject.QUANTITY: "quantity",
    Subject.EXPECTED_QUANTITY: "expectedQuantity",
    Subject.IDEMPOTENCY_KEY: "idempotencyKey",
    Subject.PAGE_SIZE: "first",
    Subject.PAGE_POSITION: "after",
    Subject.TEST_CLOCK: "to",
    Subject.CHANNEL: "channelId",
    Subject.CHANNEL_NAME: "name",
    Subject.QUOTE: "quoteId",
}


def code_of(error: DomainError) -> str:
    if isinstance(error, Refused):
        return error.reason.value
    if isinstance(error, NotSignedIn):
        return "UNAUTHENTICATED"
    if isinstance(error, InvalidInput):
        return "BAD_USER_INPUT"
    if isinstance(error, RateLimited):
        return RATE_LIMITED
    raise TypeError(f"no code for {type(error).__name__}")


def field_of(error: DomainError, within: tuple[str, ...] = ()) -> list[str] | None:
    """The path of the argument at fault, below `within` (a mutation's `input`)."""
    name = ARGUMENT_OF.get(error.subject) if error.subject is not None else None
    return [*within, name] if name is not None else None


def client_error(error: DomainError, within: tuple[str, ...] = ()) -> GraphQLError:
    """A refusal as a GraphQL error of the request."""
    extensions = {"code": code_of(error)}
    field = field_of(error, within)
    if field is not None:
        extensions["field"] = field
    return GraphQLError(error.message, extensions=extensions, original_error=error)


def is_unexpected(error: GraphQLError) -> bool:
    """A failure of ours rather than a refusal of the request."""
    original = error.original_error
    if original is None or isinstance(original, (DomainError, GraphQLError)):
        return False
    # A value that failed to parse as an argument or variable: the client's input.
    return not (error.path is None and error.nodes)


def is_unavailability(error: GraphQLError) -> bool:
    """An unexpected failure because the database could not answer."""
    return is_unexpected(error) and is_unavailable(error.original_error)


def _client_code(error: GraphQLError) -> str:
    if isinstance(error.original_error, DomainError):
        return code_of(error.original_error)
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith(VARIABLE_ERRORS):  # values sent that do not fit
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def change_may_have_applied(error: GraphQLError) -> bool:
    """For a mutation: below its root field the payload is read after the commit, and
    a commit cut short may have stored the change. Anything else wrote nothing."""
    path = error.path or ()
    return len(path) > 1 or isinstance(error.original_error, CommitInDoubt)


def present(error: GraphQLError, request_id: str | None, mutation: bool = False) -> GraphQLError:
    if is_unavailability(error):
        extensions: dict = {
            "code": UNAVAILABLE,
            "retryAfter": UNAVAILABLE_RETRY_AFTER,
            "requestId": request_id,
        }
        if mutation:
            extensions["changeMayHaveApplied"] = change_may_have_applied(error)
        return GraphQLError(
            UNAVAILABLE_MESSAGE, nodes=error.nodes, path=error.path, extensions=extensions
        )
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
    if isinstance(original, RateLimited):
        extensions.setdefault("retryAfter", original.retry_after)
    if isinstance(original, DomainError):
        field = field_of(original)
        if field is not None:
            extensions.setdefault("field", field)
    return GraphQLError(error.message, nodes=error.nodes, path=error.path, extensions=extensions)


def request_id_of(execution_context) -> str | None:
    return getattr(execution_context.context, "request_id", None)


def _is_mutation(execution_context) -> bool:
    try:
        return execution_context.operation_type.value == "mutation"
    except RuntimeError:  # the document did not parse
        return False


class PresentErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            request_id = request_id_of(self.execution_context)
            mutation = _is_mutation(self.execution_context)
            result.errors = [present(error, request_id, mutation) for error in result.errors]


class OutageLog:
    """One WARNING when the database stops answering, then at most one a minute while
    it stays down, counting the requests it turned away: an outage, not a bug each."""

    def __init__(self, every_seconds: float = 60.0):
        self.every_seconds = every_seconds
        self._last: float | None = None
        self._since_last = 0

    def noticed(self, error: BaseException, request_id: str | None) -> None:
        now = time.monotonic()
        self._since_last += 1
        if self._last is not None and now - self._last < self.every_seconds:
            return
        log.warning(
            "database unavailable: %s: %s (request_id=%s, %d request(s) turned away since "
            "the last warning)",
            type(error).__name__,
            str(error).splitlines()[0][:200] if str(error) else "",
            request_id,
            self._since_last,
        )
        self._last, self._since_last = now, 0


OUTAGES = OutageLog()


def log_unexpected(errors: list[GraphQLError], execution_context) -> None:
    """Called before masking, so the log keeps what the client must not see."""
    for error in errors:
        if is_unavailability(error):
            OUTAGES.noticed(error.original_error, request_id_of(execution_context))
        elif is_unexpected(error):
            original = error.original_error
            log.error(
                "unexpected error request_id=%s path=%s",
                request_id_of(execution_context),
                error.path,
                exc_info=(type(original), original, original.__traceback__),
            )
