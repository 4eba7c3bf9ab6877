"""Parsing and validating documents: the short ones clients send again are remembered,
and long new ones are handled off the event loop.

Only documents up to CACHED_LENGTH characters are remembered: the first-party clients'
are a few kilobytes, and a cache full of large documents would hold millions of nodes
for the garbage collector to walk on every full collection.

A new document over INLINE_LENGTH characters is parsed and validated in a worker thread:
one of 2,000 tokens costs tens of milliseconds of pure Python, and meanwhile the event
loop keeps answering everyone else (the thread yields the interpreter every few ms).
"""

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError, parse, validate
from graphql.validation import (
    NoUndefinedVariablesRule,
    NoUnusedVariablesRule,
    UniqueVariableNamesRule,
    VariablesAreInputTypesRule,
    VariablesInAllowedPositionRule,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from schema.operation_log import current_operation

CACHED_LENGTH = 10_000
# Each error locates its nodes in the text, which costs a scan of the text per node: a
# client fixing a document reads the first few, and a hostile one gets no more work.
MAX_VALIDATION_ERRORS = 20
INLINE_LENGTH = 1_000  # parsed and validated in about a millisecond at most

# Rules about variables: a document without a `$` has none, and these rules would still
# walk every operation and fragment once more.
VARIABLE_RULES = {
    NoUndefinedVariablesRule,
    NoUnusedVariablesRule,
    UniqueVariableNamesRule,
    VariablesAreInputTypesRule,
    VariablesInAllowedPositionRule,
}


class _Recent:
    """The most recently used entries, at most `size` of them."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key) -> Any:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key, value) -> None:
        self.entries[key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


_documents = _Recent(512)
_validations = _Recent(512)


def _cacheable(query: object) -> bool:
    return isinstance(query, str) and len(query) <= CACHED_LENGTH


def _long(query: object) -> bool:
    return isinstance(query, str) and len(query) > INLINE_LENGTH


def _validation_failure(error: GraphQLError) -> GraphQLError:
    """The validation error with its code (some messages, "Variable '$x' is never used",
    read like the variable errors of execution, which are BAD_USER_INPUT). Changed in
    place: a new error would locate all its nodes in the text once more."""
    if error.message == "Validation aborted.":  # graphql-core's budget or nesting guard
        error.message = (
            "The document is too complex to validate: too many fields of one name, "
            "fragments or levels. Validation aborted."
        )
    error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
    return error


class DocumentCache(SchemaExtension):
    """Gives Strawberry the parsed document: remembered, or parsed in a thread when long.
    Where neither applies, or the document does not parse, Strawberry parses it itself
    and reports the syntax error within the operation (so a long document with a syntax
    error is parsed twice, once on the loop)."""

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:  # a trusted document (schema/trusted.py)
            yield
            return
        query = context.query
        cached = _documents.get(query) if _cacheable(query) else None
        if cached is not None:
            context.graphql_document = cached
        elif _long(query):
            with contextlib.suppress(GraphQLError):
                context.graphql_document = await asyncio.to_thread(
                    parse, query, **context.parse_options
                )
        yield
        if cached is None and context.graphql_document is not None and _cacheable(query):
            _documents.put(query, context.graphql_document)


class DocumentValidation(SchemaExtension):
    """Strawberry's validation, remembered by document text, with graphql-core's
    "Did you mean …?" suggestions left out when `hide_suggestions` (production)."""

    def __init__(self, hide_suggestions: bool):
        self.hide_suggestions = hide_suggestions

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if current_operation().trusted is not None:  # validated at start-up
            context.pre_execution_errors = []
            yield
            return
        query = context.query
        rules = (*context.validation_rules, MaybeNullValidationRule, OneOfInputValidationRule)
        if isinstance(query, str) and "$" not in query:
            rules = tuple(rule for rule in rules if rule not in VARIABLE_RULES)
        schema = context.schema._schema
        key = (id(schema), query, rules, self.hide_suggestions)
        errors = _validations.get(key) if _cacheable(query) else None
        if errors is None:
            arguments = (schema, context.graphql_document, rules)
            options = {
                "hide_suggestions": self.hide_suggestions,
                "max_errors": MAX_VALIDATION_ERRORS,
            }
            if _long(query):
                errors = await asyncio.to_thread(validate, *arguments, **options)
            else:
                errors = validate(*arguments, **options)
            errors = [_validation_failure(error) for error in errors]
            if _cacheable(query):
                _validations.put(key, errors)
        context.pre_execution_errors = errors
        yield
