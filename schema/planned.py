"""Planned execution: the dashboard's queries without graphql-core's per-field machinery.

A query whose document is simple enough (no fragments, directives, abstract types or
input objects; every field either a plain attribute or a resolver that takes only
`info` and scalar arguments; no permission but those marked `plannable`) is
planned once: for each field, how to get its value and how to serialize it. Executing
the plan calls the same resolvers and serializers as the generic executor and
resolves siblings and list items concurrently (schema/together.py, without a task
each), so DataLoaders batch as before, but it skips graphql-core's per-field
bookkeeping (about 40% of a request). Lists of objects are worked on breadth first:
a field is resolved for every item at once, so the plan's own coroutines are one per
field and level, not several per item.

Anything the plan does not foresee (an exception, a null where the schema promises a
value, a variable that does not coerce) falls back to the generic executor, which then
answers with the errors exactly as it would have. Before it starts, the plan's work
still under way (siblings of the field that failed) is cancelled and awaited, so no
field runs twice at once; each fallback is logged (octopods.planned, WARNING for a
failure of ours) and counted by reason. Mutations take the generic path here; a trusted
mutation of one change is planned for the fast lane alone, which makes the change once.
Every test of the app runs on both paths, and on the planned one each query's answer
and log lines are held to a generic twin's (tests/support/api.py);
OCTOPODS_PLANNED_EXECUTION=0 turns the plan off. A trusted document's plan also runs
outside Strawberry, on the fast lane (schema/fast_lane.py).
"""

import inspect
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.arguments import convert_arguments

from resolvers import ids
from schema.operation_log import current_operation
from schema.parsing import CACHED_LENGTH
from schema.together import together
from services.errors import DomainError

log = logging.getLogger("octopods.planned")


class Unplannable(Exception):
    """The document needs something the plan does not do: use the generic executor."""


class Fallback(Exception):
    """The plan met something it does not handle at run time: use the generic executor."""

    def __init__(self, key: str, reason: str = "null"):
        super().__init__(key)
        # "null" where the schema promises a value, "permission", or "variables" that do
        # not coerce (the generic executor says how)
        self.reason = reason


def _reason(error: BaseException) -> str:
    """Why the plan gave up, as a bounded label: a fallback's own reason, "refusal" (the
    request's fault, which the generic executor reports: a domain error, or one a
    mutation already presented as the request's), or "error" (a failure)."""
    if isinstance(error, Fallback):
        return error.reason
    if isinstance(error, GraphQLError):
        error = error.original_error
    return "refusal" if isinstance(error, DomainError) else "error"


def fell_back(operation_name: str | None, error: BaseException) -> str:
    """Log that a plan gave up, and say why (`_reason`)."""
    reason = _reason(error)
    facts = {"event": "planned_fallback", "operation": operation_name, "reason": reason}
    failed = reason in ("error", "null")  # ours, where a refusal is the request's
    if failed:
        facts["error"] = f"{type(error).__name__}: {error}"[:300]
    level = logging.WARNING if failed else logging.INFO
    log.log(level, "planned %s fell back: %s", operation_name, reason, extra=facts)
    return reason


@dataclass(frozen=True, slots=True)
class PlannedInfo:
    """What our resolvers read of `info`."""

    context: Any


@dataclass(slots=True)
class Field:
    key: str
    resolve: Callable[[Any, PlannedInfo, dict], Any]
    is_async: bool
    node: FieldNode
    graphql_field: Any
    argument_names: dict[str, str]  # GraphQL name → Python name
    permissions: tuple[BasePermission, ...]
    serialize: Callable[[Any], Any] | None  # leaves
    selection: "Selection | None"  # objects
    is_list: bool
    nullable: bool
    item_nullable: bool
    attribute: str | None = None  # a plain attribute with no permission: read directly
    # Arguments with an input object: Strawberry's conversion (to the input's class)
    convert: Callable[[dict], dict] | None = None
    awaits: bool = False  # it, or something below it, awaits: set by the planner
    # Its value on a source when nothing below awaits (Execution, source): set by the
    # planner, from _completion.
    complete: Callable[[Any, Any], Any] | None = None


@dataclass(slots=True)
class Selection:
    fields: list[Field] = field(default_factory=list)
    is_sync: bool = True  # nothing below awaits


def _unwrap(type_) -> tuple[Any, bool, bool, bool]:
    """(named type, nullable, is list, items nullable)."""
    nullable = not isinstance(type_, GraphQLNonNull)
    type_ = type_.of_type if not nullable else type_
    if isinstance(type_, GraphQLList):
        item = type_.of_type
        item_nullable = not isinstance(item, GraphQLNonNull)
        item = item.of_type if not item_nullable else item
        if isinstance(item, GraphQLList):
            raise Unplannable("lists of lists")
        return item, nullable, True, item_nullable
    return type_, nullable, False, False


def _attribute(name: str) -> Callable:
    def resolve(source, _info, _arguments):
        return getattr(source, name)

    return resolve


def _enum_names(enum_type: GraphQLEnumType) -> Callable[[Any], Any]:
    """The type's own serializer, remembered per member: Strawberry's looks through all
    of an enum's values for each one it writes."""
    names: dict[int, Any] = {}  # by id: an enum's members live as long as the program

    def serialize(value: Any) -> Any:
        name = names.get(id(value))
        if name is not None:
            return name
        name = enum_type.serialize(value)
        if isinstance(value, Enum):
            names[id(value)] = name
        return name

    return serialize


def _completion(f: Field) -> Callable[[Any, Any], Any]:
    """How a field whose subtree is synchronous gets its value. Most of a dashboard's
    fields are an attribute and a scalar: those get a function of their own, with
    nothing left to decide per value."""
    key, attribute, serialize = f.key, f.attribute, f.serialize
    if attribute is None or serialize is None or f.is_list:
        return lambda execution, source: execution._sync_field(f, source)
    if f.nullable:

        def nullable_scalar(_execution, source):
            value = getattr(source, attribute)
            return None if value is None else serialize(value)

        return nullable_scalar

    def scalar(_execution, source):
        value = getattr(source, attribute)
        if value is None:
            raise Fallback(key)
        return serialize(value)

    return scalar


def _resolver(function: Callable, takes_info: bool) -> Callable:
    if takes_info:
        return lambda source, info, arguments: function(source, info, **arguments)
    return lambda source, _info, arguments: function(source, **arguments)


class Planner:
    def __init__(self, strawberry_schema):
        self.schema = strawberry_schema
        self.graphql_schema = strawberry_schema._schema
        self.names = strawberry_schema.config.name_converter

    def selection(self, selection_set, parent: GraphQLObjectType) -> Selection:
        definition = self.schema.get_type_by_name(parent.name)
        by_name = {self.names.get_graphql_name(f): f for f in definition.fields}
        planned = Selection()
        keys = set()
        for node in selection_set.selections:
            if not isinstance(node, FieldNode) or node.directives:
                raise Unplannable("fragments and directives")
            key = node.alias.value if node.alias else node.name.value
            if key in keys:
                raise Unplannable("a response key selected twice")
            keys.add(key)
            planned.fields.append(self.field(node, key, parent, by_name))
        for f in planned.fields:
            below = f.selection is not None and not f.selection.is_sync
            f.awaits = f.is_async or bool(f.permissions) or below
            f.complete = None if f.awaits else _completion(f)
        planned.is_sync = not any(f.awaits for f in planned.fields)
        return planned

    def field(self, node: FieldNode, key: str, parent, by_name: dict) -> Field:
        name = node.name.value
        if name == "__typename":
            return self._constant(node, key, parent.name)
        if name.startswith("__"):
            raise Unplannable("introspection")
        graphql_field = parent.fields[name]
        strawberry_field = by_name[name]
        named, nullable, is_list, item_nullable = _unwrap(graphql_field.type)
        resolve, is_async, permissions = self._resolve(strawberry_field, parent)
        arguments = {
            self.names.get_graphql_name(a): a.python_name for a in strawberry_field.arguments
        }
        convert = self._conversion(strawberry_field, graphql_field)
        serialize = selection = None
        if isinstance(named, GraphQLEnumType):
            serialize = _enum_names(named)
        elif isinstance(named, GraphQLScalarType):
            serialize = named.serialize
        elif isinstance(named, GraphQLObjectType) and node.selection_set is not None:
            selection = self.selection(node.selection_set, named)
        else:
            raise Unplannable("abstract types")
        return Field(
            key=key,
            resolve=resolve,
            is_async=is_async,
            node=node,
            graphql_field=graphql_field,
            argument_names=arguments,
            convert=convert,
            permissions=permissions,
            serialize=serialize,
            selection=selection,
            is_list=is_list,
            nullable=nullable,
            item_nullable=item_nullable,
            attribute=(
                strawberry_field.python_name
                if strawberry_field.base_resolver is None and not permissions
                else None
            ),
        )

    def _constant(self, node: FieldNode, key: str, value: str) -> Field:
        """__typename: known when planning."""
        return Field(
            key=key,
            resolve=lambda *_: value,
            is_async=False,
            node=node,
            graphql_field=None,
            argument_names={},
            permissions=(),
            serialize=lambda same: same,
            selection=None,
            is_list=False,
            nullable=False,
            item_nullable=False,
        )

    def _conversion(self, strawberry_field, graphql_field) -> Callable[[dict], dict] | None:
        """None where every argument is a scalar (passed as it is); Strawberry's own
        conversion where one is an input object (a mutation's `input`)."""
        kinds = set()
        for argument in graphql_field.args.values():
            argument_type = argument.type
            if isinstance(argument_type, GraphQLNonNull):
                argument_type = argument_type.of_type
            kinds.add(type(argument_type))
        if kinds <= {GraphQLScalarType}:
            return None
        if not kinds <= {GraphQLScalarType, GraphQLInputObjectType}:
            raise Unplannable("enum or list arguments")
        arguments = strawberry_field.arguments
        scalars = self.schema.schema_converter.scalar_registry
        config = self.schema.config

        def convert(values: dict) -> dict:
            return convert_arguments(values, arguments, scalar_registry=scalars, config=config)

        return convert

    def _resolve(self, strawberry_field, parent) -> tuple[Callable, bool, tuple]:
        permissions: list[BasePermission] = []
        for extension in strawberry_field.extensions:
            found = getattr(extension, "permissions", None)
            if not isinstance(extension, PermissionExtension) or not all(
                getattr(permission, "plannable", False) for permission in found
            ):
                raise Unplannable("field extensions")
            permissions += found
        resolver = strawberry_field.base_resolver
        if resolver is None:
            return _attribute(strawberry_field.python_name), False, tuple(permissions)
        if strawberry_field.python_name == "_id":  # relay Node.id
            origin = self.schema.get_type_by_name(parent.name).origin
            type_name = parent.name

            def node_id(source, _info, _arguments):
                return ids.encode(type_name, origin.resolve_id(source, info=None))

            return node_id, False, tuple(permissions)
        function = resolver.wrapped_func
        parameters = list(inspect.signature(function).parameters)
        expected = {"self", "info", *(a.python_name for a in strawberry_field.arguments)}
        if not parameters or parameters[0] != "self" or not set(parameters) <= expected:
            raise Unplannable(f"resolver {function.__qualname__}")
        return _resolver(function, "info" in parameters), resolver.is_async, tuple(permissions)


_plans: dict[tuple, Selection | None] = {}
PLANS_KEPT = 256


def _is_typename(node) -> bool:
    return isinstance(node, FieldNode) and node.name.value == "__typename"


def plan_operation(
    strawberry_schema, document, operation_name: str | None, mutations: bool = False
) -> Selection | None:
    """The plan of a parsed query, or None where it cannot have one. Planning stops at
    the first fragment, repeated key or unknown kind of field, so it takes time linear
    in the document at worst. With `mutations`, a mutation of one field is planned too:
    only the fast lane runs those (schema/fast_lane.py), which makes the change once."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    kind = operation.operation
    # The change, and perhaps __typename (the page's documents ask it everywhere)
    one_field = sum(not _is_typename(node) for node in operation.selection_set.selections) == 1
    if kind is OperationType.QUERY:
        root = strawberry_schema._schema.query_type
    elif kind is OperationType.MUTATION and mutations and one_field:
        root = strawberry_schema._schema.mutation_type
    else:
        return None
    try:
        return Planner(strawberry_schema).selection(operation.selection_set, root)
    except Unplannable:
        return None


def plan_of(context) -> Selection | None:
    """The plan of the operation, remembered by its text for short documents."""
    query = context.query
    if not isinstance(query, str) or len(query) > CACHED_LENGTH:
        return plan_operation(context.schema, context.graphql_document, context.operation_name)
    key = (id(context.schema), query, context.operation_name)
    if key not in _plans:
        if len(_plans) >= PLANS_KEPT:
            del _plans[next(iter(_plans))]
        document, name = context.graphql_document, context.operation_name
        _plans[key] = plan_operation(context.schema, document, name)
    return _plans[key]


_NONE: dict = {}  # no arguments: only ever unpacked (**), never changed


class Execution:
    def __init__(self, info: PlannedInfo, variables):
        self.info = info
        self.variables = variables

    def _arguments(self, f: Field) -> dict:
        if not f.argument_names:
            return _NONE
        values = get_argument_values(f.graphql_field, f.node, self.variables)
        if f.convert is not None:
            return f.convert(values)
        return {f.argument_names[name]: value for name, value in values.items()}

    def _value(self, f: Field, value: Any) -> Any:
        """Complete a resolved value whose subtree is synchronous."""
        if value is None:
            if not f.nullable:
                raise Fallback(f.key)
            return None
        if f.is_list:
            return [self._item(f, item) for item in value]
        return self._item(f, value)

    def _item(self, f: Field, value: Any) -> Any:
        if value is None:
            if f.is_list and f.item_nullable:
                return None
            raise Fallback(f.key)
        if f.serialize is not None:
            return f.serialize(value)
        return self.sync_object(f.selection, value)

    def sync_object(self, selection: Selection, source: Any) -> dict:
        return {f.key: f.complete(self, source) for f in selection.fields}

    def _sync_field(self, f: Field, source: Any) -> Any:
        """A field whose subtree is synchronous, other than an attribute and a scalar
        (_completion)."""
        if f.attribute is not None:
            value = getattr(source, f.attribute)
        else:
            value = f.resolve(source, self.info, self._arguments(f))
        if value is not None and f.serialize is not None and not f.is_list:
            return f.serialize(value)
        return self._value(f, value)

    async def _column(self, f: Field, sources: list) -> list:
        """`f` completed on each of `sources` (none of them None). Lists of objects are
        worked on breadth first: each field below is resolved for every item of every
        source at once, so the plan makes one coroutine per field and level, where
        going item by item made five for each invoice of a dashboard's page."""
        arguments = self._arguments(f)
        if f.permissions:
            allowed = await together(self._allowed(f, s, arguments) for s in sources)
            if not all(allowed):
                raise Fallback(f.key, "permission")  # the generic path reports it
        values = [f.resolve(source, self.info, arguments) for source in sources]
        if f.is_async:
            values = await together(values)
        if f.selection is None or f.selection.is_sync:
            return [self._value(f, value) for value in values]
        if not f.is_list:
            return await self._present(f, f.nullable, values)
        lists = [None if value is None else list(value) for value in values]
        if not f.nullable and any(found is None for found in lists):
            raise Fallback(f.key)
        items = [item for found in lists if found is not None for item in found]
        objects = iter(await self._present(f, f.item_nullable, items))
        return [None if found is None else [next(objects) for _ in found] for found in lists]

    async def _allowed(self, f: Field, source: Any, arguments: dict) -> bool:
        """One after the other, as the generic executor checks them: the first one
        remembers the viewer for the next."""
        for permission in f.permissions:
            if not await permission.has_permission(source, self.info, **arguments):
                return False
        return True

    async def _present(self, f: Field, nullable: bool, values: list) -> list:
        """The objects of `f`'s values, None for None where the schema allows it."""
        present = [value for value in values if value is not None]
        if len(present) < len(values) and not nullable:
            raise Fallback(f.key)
        objects = iter(await self._objects(f.selection, present))
        return [None if value is None else next(objects) for value in values]

    async def _objects(self, selection: Selection, sources: list) -> list[dict]:
        """The object of each source, their fields resolved together."""
        if selection.is_sync:
            return [self.sync_object(selection, source) for source in sources]
        results: list[dict] = [{} for _ in sources]
        waiting = []
        for f in selection.fields:
            if f.awaits:
                for result in results:
                    result[f.key] = None  # keeps the document's order
                waiting.append(f)
            else:
                for result, source in zip(results, sources, strict=True):
                    result[f.key] = f.complete(self, source)
        columns = await together(self._column(f, sources) for f in waiting)
        for f, column in zip(waiting, columns, strict=True):
            for result, value in zip(results, column, strict=True):
                result[f.key] = value
        return results

    async def async_object(self, selection: Selection, source: Any) -> dict:
        return (await self._objects(selection, [source]))[0]


class PlannedExecution(SchemaExtension):
    """Runs planned queries; leaves everything else to Strawberry's executor."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.result is None and context.graphql_document is not None:
            facts = current_operation()
            trusted = facts.trusted
            if trusted is None:
                selection = plan_of(context)
            else:  # a mutation's plan is the fast lane's alone: it makes the change once
                selection = trusted.plan if trusted.is_query else None
            if selection is not None:
                try:
                    context.result = ExecutionResult(data=await self._run(selection))
                    facts.planned = True
                except Exception as error:  # noqa: BLE001 - the generic executor answers
                    facts.fallback = fell_back(context.operation_name, error)
        yield

    async def _run(self, selection: Selection) -> dict:
        context = self.execution_context
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        return await run_plan(
            context.schema,
            selection,
            operation,
            context.variables,
            context.context,
            context.root_value,
        )


async def run_plan(
    strawberry_schema,
    selection: Selection,
    operation: OperationDefinitionNode,
    variables: dict | None,
    context,
    root_value=None,
) -> dict:
    """The data of `operation` on its plan; Fallback where the variables do not coerce
    (the generic executor reports them)."""
    values = get_variable_values(
        strawberry_schema._schema, operation.variable_definitions or (), variables or {}
    )
    if isinstance(values, list):
        raise Fallback("", "variables")
    return await Execution(PlannedInfo(context), values).async_object(selection, root_value)
