"""Query cost: what an operation may ask for, estimated before it runs.

Each field costs 1, times how many of it there can be: a field with `first` may return
that many (from the request's variables, at most a page, since a larger `first` is
refused with its own error), any other list is taken to hold `list_size`
items, and the edges of a connection are already counted by its `first`.
Introspection is free, so GraphiQL and code generators keep working.

Each fragment is estimated once and its estimate reused wherever it is spread, so the
estimate takes time linear in the document even when fragments spread each other twice
over; estimates saturate at CEILING instead of growing without bound.
"""

from collections.abc import Iterator

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    value_from_ast,
)
from strawberry.extensions import SchemaExtension

from schema.fragments import CEILING, dependency_order, fragments_of
from schema.operation_log import current_operation


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class CostEstimate:
    def __init__(
        self, schema: GraphQLSchema, document, variables: dict, list_size: int, max_page: int
    ):
        self.schema = schema
        self.variables = variables
        self.list_size = list_size
        self.max_page = max_page
        fragments = fragments_of(document)
        self.fragment_costs: dict[str, int] = {}
        for name in dependency_order(fragments):
            fragment = fragments[name]
            target = schema.get_type(fragment.type_condition.name.value)
            self.fragment_costs[name] = self.cost(fragment.selection_set, target)

    def _multiplier(self, node: FieldNode, field) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "first" and "first" in field.args:
                value = value_from_ast(argument.value, field.args["first"].type, self.variables)
                return min(value, self.max_page) if isinstance(value, int) and value > 0 else 1
        if _is_list(field.type):
            return 1 if get_named_type(field.type).name.endswith("Edge") else self.list_size
        return 1

    def cost(self, selection_set: SelectionSetNode | None, parent) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                field = getattr(parent, "fields", {}).get(name)
                if field is None or name.startswith("__"):
                    continue
                child = self.cost(selection.selection_set, get_named_type(field.type))
                total += self._multiplier(selection, field) * (1 + child)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, target)
            else:  # a spread: unknown fragments and cycles add nothing (validation refuses them)
                total += self.fragment_costs.get(selection.name.value, 0)
            total = min(total, CEILING)
        return total


def largest_cost(schema: GraphQLSchema, document, operation, list_size: int, max_page: int) -> int:
    """The estimate whatever the variables: every `first` at the largest page. A trusted
    document is costed once this way (schema/trusted.py)."""
    variables = {d.variable.name.value: max_page for d in operation.variable_definitions or ()}
    estimate = CostEstimate(schema, document, variables, list_size, max_page)
    return estimate.cost(operation.selection_set, schema.get_root_type(operation.operation))


def _described(cost: int) -> str:
    return f"{cost}" if cost < CEILING else f"over {CEILING}"


class QueryCostLimiter(SchemaExtension):
    """Refuses, before executing it, an operation whose estimate exceeds `max_cost`."""

    def __init__(self, max_cost: int, list_size: int, max_page: int):
        self.max_cost = max_cost
        self.list_size = list_size
        self.max_page = max_page

    def on_execute(self) -> Iterator[None]:
        trusted = current_operation().trusted
        if trusted is not None and trusted.within_cost:  # costed at start-up
            yield
            return
        context = self.execution_context
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is not None:
            schema = context.schema._schema
            estimate = CostEstimate(
                schema,
                context.graphql_document,
                context.variables or {},
                self.list_size,
                self.max_page,
            )
            cost = estimate.cost(operation.selection_set, schema.get_root_type(operation.operation))
            if cost > self.max_cost:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"The operation is too costly: an estimated {_described(cost)} "
                            f"fields, at most {self.max_cost}. Ask for fewer items (`first`) "
                            "or fields.",
                            operation,
                            extensions={
                                "code": "QUERY_TOO_COSTLY",
                                "cost": cost,
                                "maxCost": self.max_cost,
                            },
                        )
                    ],
                )
        yield
