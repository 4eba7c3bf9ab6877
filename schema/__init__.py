"""The GraphQL schema: Strawberry types presenting the domain, and how it is built."""

from functools import cache, cached_property

import strawberry
from graphql import ExecutionResult, GraphQLError, specified_rules
from strawberry.extensions import AddValidationRules, MaxTokensLimiter
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from resolvers.accounts import MAX_PAGE_SIZE
from schema import manifest
from schema import trusted as trusted_documents
from schema.cost import QueryCostLimiter, largest_cost
from schema.errors import PresentErrors, log_unexpected
from schema.extension_hooks import ExtensionsRunner
from schema.introspection import IntrospectionOff
from schema.limits import alias_limit, depth_limit
from schema.mutation import Mutation, TestClockMutation
from schema.operation_log import OperationLog
from schema.parsing import DocumentCache, DocumentValidation
from schema.planned import PlannedExecution
from schema.query import Query
from schema.scalars import SCALAR_OVERRIDES
from schema.subscription import SubscriptionRoot
from schema.transport import SubscriptionsOverWebSocket
from schema.trusted import Checks, TrustedDocuments, TrustedExecution
from schema.types.account import AccountType
from schema.types.channel import ChannelType
from schema.types.invoice import InvoiceType
from schema.types.subscription import SubscriptionType

# Generous for the dashboard (depth 9, no aliases, cost ~20k at 10 invoices), tight
# for abuse: 100k fields is about a second of one core.
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000  # 12 × the largest first-party document; GraphiQL introspection ~200
MAX_COST = 100_000
# Lexing is linear but slow in Python (about 0.2 µs a character): a document's length
# is bounded before it is read. GraphiQL's introspection query is about 3,000.
MAX_DOCUMENT_LENGTH = 50_000
ASSUMED_LIST_SIZE = 10


# Built once: a limiter made per request brings new rule classes, and the validation
# cache, keyed by the rules, would then never hit.
LIMIT_RULES = [depth_limit(MAX_DEPTH), alias_limit(MAX_ALIASES)]


def _too_long(length: int) -> ExecutionResult:
    message = (
        f"Syntax Error: the document is {length} characters long, at most "
        f"{MAX_DOCUMENT_LENGTH}. Send values as variables."
    )
    error = GraphQLError(message, extensions={"code": "GRAPHQL_PARSE_FAILED"})
    return ExecutionResult(data=None, errors=[error])


class BillingSchema(strawberry.Schema):
    """Our schema; `hide_suggestions` (production) keeps graphql-core's "Did you mean …?"
    out of errors, which would otherwise spell out the schema that introspection hides.
    Validation gets it from DocumentValidation; execution (the variables' errors) here,
    through the only hook Strawberry has for graphql-core's execute arguments."""

    def __init__(
        self,
        *args,
        hide_suggestions: bool = False,
        document_rules: tuple = (),
        planned: bool = True,
        trusted_steps: tuple = (),
        costed_trusted_steps: tuple = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.hide_suggestions = hide_suggestions
        self.document_rules = document_rules  # added to graphql's by AddValidationRules
        self.planned = planned
        self.trusted_steps = trusted_steps
        self.costed_trusted_steps = costed_trusted_steps  # its largest page may cost too much

    @property
    def trusted_checks(self) -> Checks:
        """What every request's document must pass, for the trusted ones to pass once."""
        return Checks(
            max_length=MAX_DOCUMENT_LENGTH,
            max_tokens=MAX_TOKENS,
            rules=(
                *specified_rules,
                *self.document_rules,
                MaybeNullValidationRule,
                OneOfInputValidationRule,
            ),
            cost=lambda document, operation: largest_cost(
                self._schema, document, operation, ASSUMED_LIST_SIZE, MAX_PAGE_SIZE
            ),
            max_cost=MAX_COST,
            planned=self.planned,
        )

    @cached_property
    def trusted(self) -> TrustedDocuments:
        """The manifest's documents, parsed, validated, costed and planned once (SPEC §12):
        read at start-up (server/app.py), so a broken manifest stops the server there."""
        return TrustedDocuments.compile(self, manifest.read(), self.trusted_checks)

    def _get_custom_context_kwargs(self, operation_extensions=None, *, sync: bool = False):
        arguments = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        return {**arguments, "hide_suggestions": self.hide_suggestions}

    async def execute(self, query: str | None, *args, **kwargs) -> ExecutionResult:
        if isinstance(query, str) and len(query) > MAX_DOCUMENT_LENGTH:
            return _too_long(len(query))
        document = self.trusted.of_text(query)
        token = trusted_documents.running.set(document)
        try:
            return await super().execute(query, *args, **kwargs)
        finally:
            trusted_documents.running.reset(token)

    def get_extensions(self, sync: bool = False) -> list:
        """A trusted document's steps (build_schema): it was parsed, validated, planned
        and costed at its largest page at start-up, so only what remains is made."""
        document = trusted_documents.running.get()
        if document is None or sync or self.directives:
            return super().get_extensions(sync)
        steps = self.trusted_steps if document.within_cost else self.costed_trusted_steps
        return [make() for make in steps]

    def create_extensions_runner(self, execution_context, extensions) -> ExtensionsRunner:
        return ExtensionsRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(self, errors, execution_context=None) -> None:
        log_unexpected(errors, execution_context)


@cache
def build_schema(
    *, test_clock: bool = True, production: bool = False, planned: bool = True
) -> strawberry.Schema:
    """The schema; `advanceTestClock` exists only when the server has a test clock,
    production refuses introspection, and `planned` runs simple queries on a plan."""
    rules = LIMIT_RULES + ([IntrospectionOff] if production else [])

    def cost_limit() -> QueryCostLimiter:
        return QueryCostLimiter(MAX_COST, ASSUMED_LIST_SIZE, MAX_PAGE_SIZE)

    extensions = [
        OperationLog,  # outermost: logs the outcome after errors are presented
        PresentErrors,
        TrustedExecution,  # before the steps it lets skip their work
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        DocumentCache,
        lambda: AddValidationRules(rules),
        lambda: DocumentValidation(hide_suggestions=production),
        cost_limit,
        SubscriptionsOverWebSocket,
    ]
    if planned:
        extensions.append(PlannedExecution)  # after the cost limit, which may refuse
    # What a trusted document still needs: the steps above without parsing and validation
    # (done for it at start-up, schema/trusted.py) and, where its largest page is within
    # the limit, without the cost estimate.
    always = [OperationLog, PresentErrors, TrustedExecution, SubscriptionsOverWebSocket]
    planning = [PlannedExecution] if planned else []
    return BillingSchema(
        query=Query,
        mutation=TestClockMutation if test_clock else Mutation,
        subscription=SubscriptionRoot,
        types=[AccountType, SubscriptionType, InvoiceType, ChannelType],
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
        hide_suggestions=production,
        document_rules=tuple(rules),
        planned=planned,
        trusted_steps=(*always, *planning),
        costed_trusted_steps=(*always, cost_limit, *planning),
    )


def export_sdl() -> str:
    """The full surface (test clock included), as committed in schema/schema.graphql."""
    return build_schema().as_str() + "\n"
