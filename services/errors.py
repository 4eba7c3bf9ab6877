"""Why the domain turns a request down, naming the domain thing at fault.

How a refusal reaches a client (a payload's errors, an input field, a transport code)
is the schema's business, not ours.
"""

from enum import StrEnum


class Reason(StrEnum):
    """Why the rules refuse a request; stable words the clients switch on."""

    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    QUANTITY_UNCHANGED = "QUANTITY_UNCHANGED"
    QUANTITY_CONFLICT = "QUANTITY_CONFLICT"
    ALREADY_SUBSCRIBED = "ALREADY_SUBSCRIBED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NO_FREE_SLOT = "NO_FREE_SLOT"
    UNITS_IN_USE = "UNITS_IN_USE"
    INVALID_CHANNEL_NAME = "INVALID_CHANNEL_NAME"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"


class Subject(StrEnum):
    """The domain thing a refusal is about."""

    ACCOUNT = "account"
    SUBSCRIPTION = "subscription"
    PLAN = "plan"
    QUANTITY = "quantity"
    EXPECTED_QUANTITY = "expected_quantity"
    IDEMPOTENCY_KEY = "idempotency_key"
    PAGE_SIZE = "page_size"
    PAGE_POSITION = "page_position"
    TEST_CLOCK = "test_clock"
    CHANNEL = "channel"
    CHANNEL_NAME = "channel_name"
    QUOTE = "quote"


class DomainError(Exception):
    """A request the domain turns down. Raised inside a transaction, it rolls it back."""

    def __init__(self, message: str, subject: Subject | None = None):
        super().__init__(message)
        self.message = message
        self.subject = subject


class Refused(DomainError):
    """The rules refuse the request as asked (a member changing, a quantity of 51)."""

    def __init__(self, reason: Reason, message: str, subject: Subject | None = None):
        super().__init__(message, subject)
        self.reason = reason


class InvalidInput(DomainError):
    """A value no request may carry (an empty idempotency key, a page of a million)."""


class NotSignedIn(DomainError):
    """No valid credentials: missing, malformed or expired, or of no known user."""


class RateLimited(DomainError):
    """Too many requests of one kind from one user: try again after `retry_after` s."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def not_found(subject: Subject) -> Refused:
    return Refused(Reason.NOT_FOUND, f"{subject.value.capitalize()} not found.", subject)
