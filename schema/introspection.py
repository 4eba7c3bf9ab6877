"""Introspection in production: refused (SPEC §7), except for what an error message
tells anyway, a type's name and kind, so that `__type(name: "X") { name }` (which GraphQL
over HTTP's audit sends with variables, as any client may) still answers."""

from graphql import (
    FieldNode,
    GraphQLError,
    ValidationRule,
    get_named_type,
    is_introspection_type,
)
from graphql.language import SKIP

TOLD_ANYWAY = frozenset(("name", "kind", "__typename"))


def _only_told_anyway(node: FieldNode) -> bool:
    selections = node.selection_set.selections if node.selection_set else ()
    return all(
        isinstance(selection, FieldNode)
        and selection.name.value in TOLD_ANYWAY
        and selection.selection_set is None
        for selection in selections
    )


class IntrospectionOff(ValidationRule):
    """graphql-core's NoSchemaIntrospectionCustomRule, with that one exception."""

    def enter_field(self, node: FieldNode, *_args):
        definition = self.context.get_field_def()
        if definition is None or not is_introspection_type(get_named_type(definition.type)):
            return None
        if node.name.value == "__type" and _only_told_anyway(node):
            return SKIP
        self.report_error(
            GraphQLError(
                "GraphQL introspection has been disabled, but the requested query contained "
                f"the field '{node.name.value}'.",
                node,
            )
        )
        return None
