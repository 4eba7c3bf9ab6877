"""The runner that finds each extension class's hooks once (schema/extension_hooks.py)
runs them as Strawberry's own runner does: the same hooks, in the same order, entered
and left around the same steps, for every kind of hook, on every request."""

from collections.abc import AsyncIterator, Iterator

import strawberry
from strawberry.extensions import SchemaExtension

from schema.extension_hooks import ExtensionsRunner


def recording(log: list[str], name: str) -> type[SchemaExtension]:
    class Recording(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            log.append(f"{name} operation in")
            yield
            log.append(f"{name} operation out")

        async def on_parse(self) -> AsyncIterator[None]:
            log.append(f"{name} parse in")
            yield
            log.append(f"{name} parse out {self.execution_context.graphql_document is not None}")

        def on_validate(self) -> None:  # a plain callable: Strawberry's own lookup
            log.append(f"{name} validate")

        async def on_execute(self) -> AsyncIterator[None]:
            log.append(f"{name} execute in")
            yield
            log.append(f"{name} execute out {self.execution_context.result.data}")

    return Recording


class Quiet(SchemaExtension):
    """No hooks of its own."""


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"


class Ours(strawberry.Schema):
    def create_extensions_runner(self, execution_context, extensions):
        return ExtensionsRunner(execution_context=execution_context, extensions=extensions)


async def run_twice(schema_class) -> tuple[list[str], list[dict]]:
    log: list[str] = []
    extensions = [recording(log, "a"), Quiet, recording(log, "b")]
    schema = schema_class(query=Query, extensions=extensions)
    answers = []
    for _ in range(2):  # the second request takes the hooks found by the first
        result = await schema.execute("{ hello }")
        answers.append(result.data)
    return log, answers


async def test_hooks_run_as_strawberry_runs_them():
    theirs, their_answers = await run_twice(strawberry.Schema)
    ours, our_answers = await run_twice(Ours)

    assert ours == theirs
    assert our_answers == their_answers == [{"hello": "world"}] * 2
    assert theirs[:3] == ["a operation in", "b operation in", "a parse in"]


async def test_the_billing_schema_uses_it():
    from schema import build_schema

    schema = build_schema()
    runner = schema.create_extensions_runner(None, schema.get_extensions())
    assert isinstance(runner, ExtensionsRunner)
