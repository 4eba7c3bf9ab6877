"""The GraphQL schema: Strawberry types presenting the domain, and how it is built."""

from functools import cache

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.errors import PresentErrors, log_unexpected
from schema.mutation import Mutation, TestClockMutation
from schema.query import Query
from schema.scalars import SCALAR_OVERRIDES
from schema.types.account import AccountType
from schema.types.invoice import InvoiceType
from schema.types.subscription import SubscriptionType


class BillingSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        log_unexpected(errors, execution_context)


@cache
def build_schema(*, test_clock: bool = True, production: bool = False) -> strawberry.Schema:
    """The schema; `advanceTestClock` exists only when the server has a test clock."""
    extensions = [
        PresentErrors,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]
    return BillingSchema(
        query=Query,
        mutation=TestClockMutation if test_clock else Mutation,
        types=[AccountType, SubscriptionType, InvoiceType],
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(auto_camel_case=True),
    )


def export_sdl() -> str:
    """The full surface (test clock included), as committed in schema/schema.graphql."""
    return build_schema().as_str() + "\n"
