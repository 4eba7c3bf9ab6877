"""The parts of Strawberry and graphql-core that are not their documented API, and that
the planner and its neighbours rely on (schema/, server/). Each is its own case: when an
upgrade changes one, the failure names it, the file of ours that uses it and what to
re-check. The installed versions must also be the lock's, so an upgrade is re-locked
(`make lock`) and this file read again.
"""

import asyncio
import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module, metadata

import graphql
import pytest
import strawberry
from graphql import ExecutionResult, GraphQLError, GraphQLSchema, ValidationRule, parse
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.arguments import convert_arguments
from strawberry.types.execution import ExecutionContext

from schema import build_schema
from tests.support.lock import LOCK, pinned_version

STRAWBERRY = metadata.version("strawberry-graphql")
GRAPHQL_CORE = metadata.version("graphql-core")

PLANNER = "re-check the planner against the generic executor (tests/performance)"
STEPS = "re-check that the extension still replaces Strawberry's step and skips it"
VIEW = "re-check server/graphql_view.py against Strawberry's base view"


@dataclass(frozen=True)
class Internal:
    name: str  # the library's part, as we reach it
    ours: str  # the file of ours that relies on it
    check: Callable  # raises (or fails an assert) when the part is gone or changed
    then: str  # what to do when it changed


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def takes(function, *names: str) -> None:
    missing = [name for name in names if name not in parameters(function)]
    assert not missing, f"no parameter {missing} in {parameters(function)}"


def assigns(cls, attribute: str) -> None:
    """An attribute set in __init__ (no instance can be made without a live socket)."""
    source = inspect.getsource(cls.__init__)
    assert f"self.{attribute} =" in source or f"self.{attribute}:" in source, "not set"


def field_of(type_name: str, python_name: str):
    definition = build_schema().get_type_by_name(type_name)
    return next(f for f in definition.fields if f.python_name == python_name)


# --- Strawberry's schema, as the planner reads it -----------------------------------


def schema_underscore_schema():
    assert isinstance(build_schema()._schema, GraphQLSchema)


def name_converter():
    names = build_schema().config.name_converter
    assert names.get_graphql_name(field_of("Query", "preview_cost")) == "previewCost"


def get_type_by_name():
    definition = build_schema().get_type_by_name("Account")
    assert definition.fields and definition.origin is not None


def field_shape():
    field = field_of("Query", "account")
    assert isinstance(field.python_name, str)
    assert [argument.python_name for argument in field.arguments] == ["id"]
    assert isinstance(field.extensions, list)


def base_resolver():
    resolver = field_of("Query", "account").base_resolver
    assert callable(resolver.wrapped_func)
    assert resolver.is_async is True
    assert field_of("Account", "name").base_resolver is None  # a plain attribute


def permission_extension():
    (extension,) = field_of("Query", "account").extensions
    assert isinstance(extension, PermissionExtension)
    assert all(isinstance(p, BasePermission) for p in extension.permissions)


def has_permission():
    takes(BasePermission.has_permission, "self", "source", "info", "kwargs")


def relay_node_id():
    assert field_of("Account", "_id").base_resolver is not None  # Node.id's python name
    takes(strawberry.relay.Node.resolve_id, "root", "info")
    assert str(strawberry.relay.GlobalID("Account", "7")) == "QWNjb3VudDo3"


def input_conversion():
    """A mutation's input, as graphql-core coerces it, to the input's class."""
    schema = build_schema()
    field = field_of("Mutation", "update_quantity")
    takes(convert_arguments, "value", "arguments", "scalar_registry", "config")
    values = {"input": {"subscriptionId": "U3Vic2NyaXB0aW9uOjE=", "quantity": 3}}
    registry = schema.schema_converter.scalar_registry
    [(name, value)] = convert_arguments(
        values, field.arguments, scalar_registry=registry, config=schema.config
    ).items()
    assert name == "input" and type(value).__name__ == "UpdateQuantityInput"
    assert (value.subscription_id, value.quantity, value.idempotency_key) == (
        "U3Vic2NyaXB0aW9uOjE=",
        3,
        None,
    )


# --- Strawberry's execution context and the steps an extension may take over --------


def context_fields():
    fields = {f.name for f in dataclasses.fields(ExecutionContext)}
    used = {
        "query",
        "schema",
        "context",
        "root_value",
        "variables",
        "graphql_document",
        "pre_execution_errors",
        "result",
        "validation_rules",
        "parse_options",
    }
    assert used <= fields, f"missing {used - fields}"
    assert isinstance(ExecutionContext.operation_name, property)


def operation_type_without_document():
    context = ExecutionContext(query="{", schema=build_schema(), allowed_operations=())
    try:
        context.operation_type  # noqa: B018 - schema/errors.py, operation_log.py catch this
    except RuntimeError:
        pass
    else:
        raise AssertionError("no RuntimeError without a document")
    assert strawberry.types.graphql.OperationType.MUTATION.value == "mutation"


def parse_options():
    assert set(ExecutionContext(None, None, ()).parse_options) <= set(parameters(parse))


def extension_execution_context():
    takes(SchemaExtension.__init__, "execution_context")
    for hook in ("on_operation", "on_parse", "on_validate", "on_execute"):
        assert callable(getattr(SchemaExtension, hook)), hook


@strawberry.type
class Probe:
    @strawberry.field
    def resolved(self) -> str:
        raise AssertionError("graphql-core's executor ran")


class GivesDocument(SchemaExtension):
    def on_parse(self):
        self.execution_context.graphql_document = parse("{ resolved }")
        yield


class GivesValidation(SchemaExtension):
    def on_validate(self):
        self.execution_context.pre_execution_errors = [GraphQLError("from the extension")]
        yield


class GivesResult(SchemaExtension):
    def on_execute(self):
        self.execution_context.result = ExecutionResult(data={"resolved": "planned"})
        yield


async def parsing_skipped_when_document_given():
    schema = strawberry.Schema(Probe, extensions=[GivesDocument, GivesResult])
    result = await schema.execute("not a document at all")
    assert result.errors is None and result.data == {"resolved": "planned"}


async def validation_skipped_when_errors_given():
    result = await strawberry.Schema(Probe, extensions=[GivesValidation]).execute("{ resolved }")
    assert [error.message for error in result.errors] == ["from the extension"]


async def execution_skipped_when_result_given():
    result = await strawberry.Schema(Probe, extensions=[GivesResult]).execute("{ resolved }")
    assert result.errors is None and result.data == {"resolved": "planned"}


def custom_context_kwargs():
    takes(strawberry.Schema._get_custom_context_kwargs, "operation_extensions", "sync")
    kwargs = build_schema()._get_custom_context_kwargs(None)
    assert kwargs["hide_suggestions"] is False
    takes(graphql.execute, "hide_suggestions")  # where Strawberry passes these


def schema_execute_and_errors():
    takes(
        strawberry.Schema.execute,
        "query",
        "variable_values",
        "context_value",
        "operation_name",
        "allowed_operation_types",
        "operation_extensions",
    )
    takes(strawberry.Schema.process_errors, "errors", "execution_context")


def validation_rule_modules():
    for path in ("maybe_null.MaybeNullValidationRule", "one_of.OneOfInputValidationRule"):
        module, name = path.split(".")
        rule = getattr(import_module(f"strawberry.schema.validation_rules.{module}"), name)
        assert issubclass(rule, ValidationRule), path


# --- Strawberry's HTTP and WebSocket views ------------------------------------------


def view_hooks():
    from strawberry.asgi import GraphQL

    takes(
        GraphQL.execute_single,
        "request",
        "request_adapter",
        "sub_response",
        "context",
        "root_value",
        "request_data",
    )
    takes(GraphQL.parse_http_body, "request")
    takes(GraphQL.create_response, "response_data", "sub_response")
    takes(GraphQL.should_render_graphql_ide, "request")
    takes(GraphQL.decode_json, "data")
    assert "graphql_transport_ws_handler_class" in dir(GraphQL)


def request_data_fields():
    from strawberry.http import GraphQLRequestData

    fields = {f.name for f in dataclasses.fields(GraphQLRequestData)}
    assert {"query", "variables", "operation_name", "extensions"} <= fields


def operation_errors():
    from cross_web import HTTPException
    from strawberry.schema.exceptions import (
        CannotGetOperationTypeError,
        InvalidOperationTypeError,
    )
    from strawberry.types.graphql import OperationType

    assert CannotGetOperationTypeError("Name").as_http_error_reason()
    assert InvalidOperationTypeError(OperationType.SUBSCRIPTION).as_http_error_reason("GET")
    error = HTTPException(405, "no")
    assert (error.status_code, error.reason) == (405, "no")


def transport_ws_handler():
    from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
        BaseGraphQLTransportWSHandler as Handler,
    )

    takes(Handler.handle_connection_init, "message")
    takes(Handler.handle_subscribe, "message")
    takes(Handler.send_message, "message")
    assert inspect.iscoroutinefunction(Handler.shutdown)
    for attribute in ("view", "context", "operations", "connection_acknowledged"):
        assigns(Handler, attribute)


def extension_runner():
    from strawberry.extensions.context import ExtensionContextManagerBase, WrappedHook
    from strawberry.extensions.runner import SchemaExtensionsRunner

    takes(strawberry.Schema.create_extensions_runner, "execution_context", "extensions")
    assert "create_extensions_runner(" in inspect.getsource(strawberry.Schema.execute)
    for stage in ("operation", "parsing", "validation", "executing"):
        assert callable(getattr(SchemaExtensionsRunner, stage))
    assigns(ExtensionContextManagerBase, "default_hook")
    assert "self.get_hook(extension)" in inspect.getsource(ExtensionContextManagerBase.__init__)
    assert WrappedHook._fields == ("extension", "hook", "is_async")


# --- graphql-core -------------------------------------------------------------------

VARIABLE_SCHEMA = graphql.build_schema("type Query { page(first: Int!): Int }")
VARIABLE_QUERY = parse("query ($n: Int!) { page(first: $n) }")


def variable_values():
    operation = VARIABLE_QUERY.definitions[0]
    definitions = operation.variable_definitions
    errors = get_variable_values(VARIABLE_SCHEMA, definitions, {"n": "many"})
    assert isinstance(errors, list), "bad values no longer come back as a list of errors"
    assert errors[0].message.startswith("Variable "), errors[0].message  # schema/errors.py
    values = get_variable_values(VARIABLE_SCHEMA, definitions, {"n": 3})
    node = operation.selection_set.selections[0]
    field = VARIABLE_SCHEMA.query_type.fields["page"]
    assert get_argument_values(field, node, values) == {"first": 3}


def execution_result_shape():
    result = ExecutionResult(data={"a": 1}, errors=None)
    result.errors = [GraphQLError("replaced")]  # schema/errors.py presents them in place
    assert (result.data, result.errors[0].message) == ({"a": 1}, "replaced")


def graphql_error_in_place():
    error = GraphQLError("m", extensions={"code": "X"})
    error.message = "changed"
    error.extensions = {"code": "Y"}
    assert (error.message, error.extensions) == ("changed", {"code": "Y"})
    for attribute in ("original_error", "path", "nodes"):
        assert hasattr(error, attribute), attribute


def validate_options():
    takes(graphql.validate, "schema", "document_ast", "rules", "max_errors", "hide_suggestions")
    takes(parse, "max_tokens")


def complexity_budget():
    from graphql.validation.rules import overlapping_fields_can_be_merged as rule

    assert isinstance(rule.MAX_COMPLEXITY_BUDGET, int)
    assert inspect.getsource(rule).count("MAX_COMPLEXITY_BUDGET") > 1, "defined but not read"


def graphql_core_messages():
    from graphql.execution import values
    from graphql.validation import validate

    assert "Validation aborted." in inspect.getsource(validate)
    assert "Too many errors processing variables" in inspect.getsource(values)


def root_types():
    schema = build_schema()._schema
    assert schema.get_root_type(graphql.OperationType.QUERY) is schema.query_type


def future_blocking():
    """How a coroutine waiting on a future says so to whoever drives it."""
    loop = asyncio.new_event_loop()
    try:
        future = loop.create_future()

        async def waits():
            return await future

        coroutine = waits()
        yielded = coroutine.send(None)
        assert yielded is future and future._asyncio_future_blocking is True
        future.set_result("done")
        with pytest.raises(StopIteration) as stop:
            coroutine.send(None)
        assert stop.value.value == "done"
    finally:
        loop.close()


INTERNALS = [
    Internal("asyncio.Future yields itself with _asyncio_future_blocking set (Python)",
             "schema/together.py", future_blocking,
             "re-check schema/together.py against asyncio.Task's step"),
    Internal("strawberry.Schema._schema", "schema/planned.py (and parsing, trusted, cost)",
             schema_underscore_schema, PLANNER),
    Internal("StrawberryConfig.name_converter.get_graphql_name", "schema/planned.py",
             name_converter, PLANNER),
    Internal("strawberry.Schema.get_type_by_name(...).fields/.origin", "schema/planned.py",
             get_type_by_name, PLANNER),
    Internal("StrawberryField.python_name/.arguments/.extensions", "schema/planned.py",
             field_shape, PLANNER),
    Internal("StrawberryField.base_resolver.wrapped_func/.is_async", "schema/planned.py",
             base_resolver, PLANNER),
    Internal("strawberry.types.arguments.convert_arguments, Schema.schema_converter"
             ".scalar_registry", "schema/planned.py", input_conversion, PLANNER),
    Internal("PermissionExtension.permissions", "schema/planned.py",
             permission_extension, PLANNER),
    Internal("BasePermission.has_permission(source, info, **kwargs)", "schema/planned.py",
             has_permission, PLANNER),
    Internal("relay.Node: id as python name '_id', resolve_id(root, info=), GlobalID",
             "schema/planned.py", relay_node_id, PLANNER),
    Internal("strawberry.types.execution.ExecutionContext fields", "schema/ extensions",
             context_fields, STEPS),
    Internal("ExecutionContext.operation_type raises RuntimeError without a document",
             "schema/errors.py, schema/operation_log.py", operation_type_without_document,
             "re-check how errors and the log tell a document that did not parse"),
    Internal("ExecutionContext.parse_options keys are graphql.parse's", "schema/parsing.py",
             parse_options, STEPS),
    Internal("SchemaExtension.execution_context and its hooks", "schema/ extensions",
             extension_execution_context, STEPS),
    Internal("graphql_document set by an extension skips Strawberry's parse",
             "schema/parsing.py, schema/trusted.py", parsing_skipped_when_document_given, STEPS),
    Internal("pre_execution_errors set by an extension skips Strawberry's validation",
             "schema/parsing.py", validation_skipped_when_errors_given, STEPS),
    Internal("result set in on_execute skips graphql-core's execute",
             "schema/planned.py, schema/cost.py, schema/transport.py",
             execution_skipped_when_result_given, PLANNER),
    Internal("strawberry.Schema._get_custom_context_kwargs", "schema/__init__.py",
             custom_context_kwargs,
             "re-check that hide_suggestions still reaches graphql-core's execute"),
    Internal("strawberry.Schema.execute/process_errors signatures",
             "schema/__init__.py, server/graphql_view.py", schema_execute_and_errors, VIEW),
    Internal("strawberry.schema.validation_rules.{maybe_null,one_of}",
             "schema/parsing.py, schema/__init__.py", validation_rule_modules,
             "re-check which rules Strawberry's own validation adds (validate_document)"),
    Internal("Schema.create_extensions_runner, SchemaExtensionsRunner's stages, "
             "ExtensionContextManagerBase.get_hook/default_hook, WrappedHook",
             "schema/extension_hooks.py", extension_runner,
             "re-check tests/performance/test_extension_hooks.py"),
    Internal("strawberry.asgi.GraphQL.execute_single/parse_http_body/create_response",
             "server/graphql_view.py", view_hooks, VIEW),
    Internal("strawberry.http.GraphQLRequestData fields", "server/requests.py",
             request_data_fields, VIEW),
    Internal("CannotGetOperationTypeError/InvalidOperationTypeError/cross_web.HTTPException",
             "server/graphql_view.py", operation_errors, VIEW),
    Internal("graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler", "server/live.py",
             transport_ws_handler, "re-check server/live.py and tests/live"),
    Internal("graphql.execution.values.get_variable_values/get_argument_values",
             "schema/planned.py", variable_values, PLANNER),
    Internal("graphql.ExecutionResult shape", "schema/planned.py, schema/errors.py",
             execution_result_shape, PLANNER),
    Internal("GraphQLError message/extensions changed in place", "schema/parsing.py",
             graphql_error_in_place, "re-check schema/parsing.py's error codes"),
    Internal("graphql.validate(max_errors=, hide_suggestions=), parse(max_tokens=)",
             "schema/parsing.py, schema/trusted.py", validate_options, STEPS),
    Internal("overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET", "schema/limits.py",
             complexity_budget, "re-check tests/hardening/test_worst_documents.py"),
    Internal("graphql-core's messages 'Validation aborted.', 'Too many errors processing "
             "variables'", "schema/parsing.py, schema/errors.py", graphql_core_messages,
             "re-check the codes errors get (tests/api/test_errors.py)"),
    Internal("GraphQLSchema.get_root_type", "schema/cost.py", root_types,
             "re-check the cost estimate (tests/hardening/test_limits.py)"),
]  # fmt: skip


def first_line(error: Exception) -> str:
    return (str(error).splitlines() or [""])[0]


@pytest.mark.parametrize("internal", INTERNALS, ids=lambda internal: internal.name)
async def test_each_internal_we_use_is_still_there(internal: Internal):
    try:
        outcome = internal.check()
        if inspect.isawaitable(outcome):
            await outcome
    except Exception as error:  # noqa: BLE001 - any change is reported the same way
        pytest.fail(
            f"{internal.ours} uses {internal.name}; Strawberry {STRAWBERRY} / graphql-core "
            f"{GRAPHQL_CORE} changed it ({type(error).__name__}: {first_line(error)}): "
            f"{internal.then}.",
            pytrace=False,
        )


@pytest.mark.parametrize("name", ["strawberry-graphql", "graphql-core"])
def test_the_installed_library_is_the_locked_one(name):
    assert metadata.version(name) == pinned_version(name), (
        f"{name} {metadata.version(name)} is installed, {LOCK.name} pins "
        f"{pinned_version(name)}: the internals above were checked at the pin. Run "
        "`make lock` (README, Installing), read this file's failures, then the whole suite."
    )
