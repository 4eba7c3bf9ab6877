"""Remembering parsed documents without losing syntax errors."""

import contextlib
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache


class DocumentCache(ParserCache):
    """Strawberry's ParserCache raises a syntax error where Strawberry does not catch it,
    so the error escapes the operation and misses its code. Here a document that does
    not parse is left to Strawberry's own parser, which reports it in the operation."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield
