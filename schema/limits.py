"""Query cost: what an operation may ask for, estimated before it runs.

Each field costs 1, times how many of it there can be: a field with `first` may return
that many (a variable counts as the maximum page), any other list is taken to hold
`list_size` items, and the edges of a connection are already counted by its `first`.
Introspection is free, so GraphiQL and code generators keep working.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def cost_limit_rule(max_cost: int, list_size: int, max_page: int) -> type[ValidationRule]:
    class QueryCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
            schema = self.context.schema
            root = schema.get_root_type(node.operation)
            fragments = {
                definition.name.value: definition
                for definition in self.context.document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            cost = self._cost(node.selection_set, root, fragments, set())
            if cost > max_cost:
                name = node.name.value if node.name else "the operation"
                self.report_error(
                    GraphQLError(
                        f"{name} is too costly: an estimated {cost} fields, at most "
                        f"{max_cost}. Ask for fewer items (`first`) or fewer fields.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
                    )
                )

        def _multiplier(self, node: FieldNode, field) -> int:
            for argument in node.arguments or ():
                if argument.name.value == "first":
                    value = argument.value
                    return int(value.value) if isinstance(value, IntValueNode) else max_page
            if _is_list(field.type):
                return 1 if get_named_type(field.type).name.endswith("Edge") else list_size
            return 1

        def _cost(self, selection_set: SelectionSetNode | None, parent, fragments, seen) -> int:
            if selection_set is None or parent is None:
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    name = selection.name.value
                    field = getattr(parent, "fields", {}).get(name)
                    if field is None or name.startswith("__"):
                        continue
                    child = self._cost(
                        selection.selection_set, get_named_type(field.type), fragments, seen
                    )
                    total += self._multiplier(selection, field) * (1 + child)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    target = (
                        self.context.schema.get_type(condition.name.value) if condition else parent
                    )
                    total += self._cost(selection.selection_set, target, fragments, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = fragments.get(name)
                    if fragment is None or name in seen:
                        continue
                    target = self.context.schema.get_type(fragment.type_condition.name.value)
                    total += self._cost(fragment.selection_set, target, fragments, seen | {name})
            return total

    return QueryCost
