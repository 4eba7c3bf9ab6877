"""Strawberry's schema-extension hooks, found once per extension class, not per request.

For every request Strawberry's hook context managers look at each extension's hook (an
`inspect` check, then a `contextlib` wrapper built with `functools.wraps`): four stages
× ten extensions, about 0.25 ms of a 6 ms previewCost. Which hook a class has, and of
which kind, never changes, so it is found once; a request only binds the wrapper to
its own extension instance, as Strawberry's bound method would. Hooks that are plain
callables (none of ours) still go through Strawberry's own lookup.
"""

import contextlib
import inspect
from collections.abc import Callable
from functools import partial

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

_NOT_KNOWN = object()  # a callable hook: Strawberry's lookup makes it each time
_found: dict[tuple[type, str], tuple[Callable, bool] | object | None] = {}


def _hook_of(kind: type, name: str, default: Callable):
    """(context manager factory taking the extension, is async), None for no hook."""
    function = getattr(kind, name)
    if function is default:
        return None
    if inspect.isgeneratorfunction(function):
        return contextlib.contextmanager(function), False
    if inspect.isasyncgenfunction(function):
        return contextlib.asynccontextmanager(function), True
    return _NOT_KNOWN


class _FoundOnce:
    __slots__ = ()

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        key = (type(extension), self.HOOK_NAME)
        if key not in _found:
            _found[key] = _hook_of(type(extension), self.HOOK_NAME, self.default_hook)
        found = _found[key]
        if found is _NOT_KNOWN:
            return super().get_hook(extension)
        if found is None:
            return None
        factory, is_async = found
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


class _Operation(_FoundOnce, OperationContextManager):
    __slots__ = ()


class _Parsing(_FoundOnce, ParsingContextManager):
    __slots__ = ()


class _Validation(_FoundOnce, ValidationContextManager):
    __slots__ = ()


class _Executing(_FoundOnce, ExecutingContextManager):
    __slots__ = ()


class ExtensionsRunner(SchemaExtensionsRunner):
    """Strawberry's runner, with the four stages' hooks found once per class."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)
