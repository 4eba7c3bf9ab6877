"""The GraphQL schema: Strawberry types presenting the domain, and how it is built."""

from functools import cache

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)

from resolvers.accounts import MAX_PAGE_SIZE
from schema.errors import PresentErrors, log_unexpected
from schema.limits import QueryCostLimiter
from schema.mutation import Mutation, TestClockMutation
from schema.operation_log import OperationLog
from schema.parsing import DocumentCache
from schema.planned import PlannedExecution
from schema.query import Query
from schema.scalars import SCALAR_OVERRIDES
from schema.subscription import SubscriptionRoot
from schema.types.account import AccountType
from schema.types.channel import ChannelType
from schema.types.invoice import InvoiceType
from schema.types.subscription import SubscriptionType

# Generous for the dashboard (depth 9, no aliases, cost ~20k at 10 invoices), tight
# for abuse: 100k fields is about a second of one core.
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000  # GraphiQL's introspection query is about 1,000
MAX_COST = 100_000
ASSUMED_LIST_SIZE = 10


# Built once: a limiter made per request brings new rule classes, and the validation
# cache, keyed by the rules, would then never hit.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class BillingSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        log_unexpected(errors, execution_context)


@cache
def build_schema(
    *, test_clock: bool = True, production: bool = False, planned: bool = True
) -> strawberry.Schema:
    """The schema; `advanceTestClock` exists only when the server has a test clock,
    production refuses introspection, and `planned` runs simple queries on a plan."""
    extensions = [
        OperationLog,  # outermost: logs the outcome after errors are presented
        PresentErrors,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: DocumentCache(maxsize=512),
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: ValidationCache(maxsize=512),
        lambda: QueryCostLimiter(MAX_COST, ASSUMED_LIST_SIZE, MAX_PAGE_SIZE),
    ]
    if planned:
        extensions.append(PlannedExecution)  # after the cost limit, which may refuse
    if production:
        extensions.append(DisableIntrospection)
    return BillingSchema(
        query=Query,
        mutation=TestClockMutation if test_clock else Mutation,
        subscription=SubscriptionRoot,
        types=[AccountType, SubscriptionType, InvoiceType, ChannelType],
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
    )


def export_sdl() -> str:
    """The full surface (test clock included), as committed in schema/schema.graphql."""
    return build_schema().as_str() + "\n"
