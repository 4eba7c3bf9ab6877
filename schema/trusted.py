"""Trusted documents (SPEC §12): the manifest's documents, made ready once at start-up.

Each document of the manifest (schema/manifest.py) is parsed, validated with every rule
and limit a request meets, costed at the largest page the limits allow, and planned,
once. A request that names one by `documentId`, or sends its exact text, then skips
all of that: it runs with only the extensions that still have work to do for it
(`trusted_steps` in schema/__init__.py's build_schema: the operation log and metrics, error masking,
this module's `TrustedExecution`, the cost limit where the document's largest page could
exceed it, and planned execution), and `TrustedExecution` hands Strawberry the parsed
document, already validated. A manifest document that fails any of it stops the server
from starting.
"""

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql import validate as validate_document
from strawberry.extensions import SchemaExtension

from schema.manifest import REGENERATE, ManifestError
from schema.operation_log import current_operation
from schema.planned import Selection, plan_operation


@dataclass(frozen=True, slots=True, eq=False)
class TrustedDocument:
    id: str
    text: str
    document: DocumentNode
    operation_type: OperationType
    operation_name: str | None
    # Queries the planner can take, and mutations of one field (the fast lane's alone)
    plan: Selection | None
    within_cost: bool  # at the largest page the limits allow

    @property
    def is_query(self) -> bool:
        return self.operation_type is OperationType.QUERY


@dataclass(frozen=True, slots=True)
class Checks:
    """What a request's document must pass (schema/__init__.py sets the values)."""

    max_length: int
    max_tokens: int
    rules: tuple  # every validation rule, graphql's own included
    cost: Callable[[DocumentNode, OperationDefinitionNode], int]  # the largest estimate
    max_cost: int
    planned: bool


def _operation(document: DocumentNode, key: str) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise ManifestError(f"{key} holds {len(operations)} operations, not one; {REGENERATE}")
    return operations[0]


def _compiled(strawberry_schema, key: str, text: str, checks: Checks) -> TrustedDocument:
    if len(text) > checks.max_length:
        raise ManifestError(f"{key} is over {checks.max_length} characters")
    try:
        document = parse(text, max_tokens=checks.max_tokens)
    except GraphQLError as error:
        raise ManifestError(f"{key} does not parse: {error.message}") from None
    operation = _operation(document, key)
    name = operation.name.value if operation.name else None
    errors = validate_document(strawberry_schema._schema, document, checks.rules)
    if errors:
        raise ManifestError(f"{key} ({name}) does not validate: {errors[0].message}")
    return TrustedDocument(
        id=key,
        text=text,
        document=document,
        operation_type=operation.operation,
        operation_name=name,
        plan=plan_operation(strawberry_schema, document, None, mutations=True)
        if checks.planned
        else None,
        within_cost=checks.cost(document, operation) <= checks.max_cost,
    )


class TrustedDocuments:
    """The manifest's documents by id and by exact text."""

    def __init__(self, documents: list[TrustedDocument]):
        self.by_id = {document.id: document for document in documents}
        self.by_text = {document.text: document for document in documents}

    @classmethod
    def compile(cls, strawberry_schema, manifest: dict[str, str], checks: Checks):
        return cls([_compiled(strawberry_schema, k, t, checks) for k, t in manifest.items()])

    def named(self, document_id: str) -> TrustedDocument | None:
        return self.by_id.get(document_id)

    def of_text(self, text: object) -> TrustedDocument | None:
        return self.by_text.get(text) if isinstance(text, str) else None


# The trusted document the operation being set up runs, for the schema to pick its steps.
running: ContextVar[TrustedDocument | None] = ContextVar("trusted_document", default=None)


class TrustedExecution(SchemaExtension):
    """Gives Strawberry a trusted document parsed and validated; the later steps see
    `current_operation().trusted` (the plan, the operation's name for the log)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # Set by BillingSchema.execute; a stream (WebSocket) is looked up here.
        document = running.get() or context.schema.trusted.of_text(context.query)
        if document is not None:
            context.graphql_document = document.document
            context.pre_execution_errors = []  # validated at start-up
            current_operation().trusted = document
        yield


UNKNOWN_DOCUMENT = "PERSISTED_DOCUMENT_NOT_FOUND"
UNTRUSTED_DOCUMENT = "UNTRUSTED_DOCUMENT"


class DocumentRefused(Exception):
    """A request for a document this server does not run (SPEC §12)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def admit(
    documents: TrustedDocuments, query: object, document_id: object, *, only: bool
) -> TrustedDocument | None:
    """The trusted document a request names by id (None when it sends text), or
    DocumentRefused: an unknown id, or (with `only`) text that is not in the manifest."""
    if document_id is not None:
        document = documents.named(document_id) if isinstance(document_id, str) else None
        if document is None:
            raise DocumentRefused(
                UNKNOWN_DOCUMENT,
                "No trusted document has this `documentId`: send an id from the "
                "server's manifest (operations/manifest.json).",
            )
        return document
    if only and documents.of_text(query) is None:
        raise DocumentRefused(
            UNTRUSTED_DOCUMENT,
            "This server runs only its trusted documents: send the `documentId` of one "
            "in its manifest (operations/manifest.json), or its exact text.",
        )
    return None
