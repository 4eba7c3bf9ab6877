"""Refusals the domain can give, each with a stable code the clients switch on."""

from enum import StrEnum


class ErrorCode(StrEnum):
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    QUANTITY_UNCHANGED = "QUANTITY_UNCHANGED"
    QUANTITY_CONFLICT = "QUANTITY_CONFLICT"
    ALREADY_SUBSCRIBED = "ALREADY_SUBSCRIBED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    # Not user errors of a mutation payload, but codes of refused requests.
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_USER_INPUT = "BAD_USER_INPUT"


# The codes a mutation answers in its payload; the others refuse the whole request.
USER_ERROR_CODES = tuple(
    code for code in ErrorCode if code.name not in ("UNAUTHENTICATED", "BAD_USER_INPUT")
)


class DomainError(Exception):
    """A request the rules refuse. Raising it inside a transaction rolls it back."""

    def __init__(self, code: ErrorCode, message: str, field: tuple[str, ...] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def not_found(what: str, field: tuple[str, ...] | None = None) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found.", field)
