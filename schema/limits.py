"""Limits on the document itself, each checked in time linear in its size.

Strawberry's QueryDepthLimiter and MaxAliasesLimiter walk every spread of every fragment
again, so fragments that spread the next one twice take exponential time, and a long
chain of fragments overflows the stack. These rules give the same answers (the same
limits, messages and code) from one summary per fragment (see schema/fragments.py).
"""

from graphql import (
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.validation.rules import overlapping_fields_can_be_merged

from schema.fragments import CEILING, dependency_order, fragments_of

# graphql-core compares the fields that share a response name pairwise, within a budget
# (500,000 units by default, about a second here; a unit is about 2 µs). Our documents
# spend nothing, and fragment-heavy generated ones a few thousand; beyond this budget the
# document fails validation ("Validation aborted.").
overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = 10_000


def _depth(selection_set: SelectionSetNode | None, fragment_depths: dict[str, int]) -> int:
    """The most fields nested inside one another; introspection fields count nothing."""
    deepest = 0
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            if selection.selection_set and not selection.name.value.startswith("__"):
                deepest = max(deepest, 1 + _depth(selection.selection_set, fragment_depths))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragment_depths))
        else:
            deepest = max(deepest, fragment_depths.get(selection.name.value, 0))
    return deepest


def _aliases(selection_set: SelectionSetNode | None, fragment_aliases: dict[str, int]) -> int:
    """Aliased fields, counting a fragment's again each time it is spread."""
    count = 0
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            count += (selection.alias is not None) + _aliases(
                selection.selection_set, fragment_aliases
            )
        elif isinstance(selection, InlineFragmentNode):
            count += _aliases(selection.selection_set, fragment_aliases)
        else:
            count += fragment_aliases.get(selection.name.value, 0)
    return min(count, CEILING)


def _summaries(document, summarise) -> dict[str, int]:
    fragments = fragments_of(document)
    summaries: dict[str, int] = {}
    for name in dependency_order(fragments):
        summaries[name] = summarise(fragments[name].selection_set, summaries)
    return summaries


def _operations(document) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def depth_limit(max_depth: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            depths = _summaries(context.document, _depth)
            for operation in _operations(context.document):
                if _depth(operation.selection_set, depths) > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            operation,
                        )
                    )

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ValidationRule]:
    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            counts = _summaries(context.document, _aliases)
            total = sum(_aliases(o.selection_set, counts) for o in _operations(context.document))
            if total > max_aliases:
                found = f"{total}" if total < CEILING else f"Over {CEILING}"
                context.report_error(GraphQLError(f"{found} aliases found. Allowed: {max_aliases}"))

    return AliasLimit
