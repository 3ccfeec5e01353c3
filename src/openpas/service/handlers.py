"""Handlers: Python callables that Run Handler calls by name.

A handler is registered under a name through the ``openpas.handlers`` entry
point group (in a package's ``pyproject.toml``) or the ``handlers:`` section of
the server configuration (``name: module:function``). It is called with the
action's parameters as keyword arguments, as typed values, and returns a
mapping of outputs, or a :class:`HandlerResult` to choose an exit by name.
"""

from __future__ import annotations

import concurrent.futures
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from openpas.errors import OpenpasError

GROUP = "openpas.handlers"


@dataclass(frozen=True)
class HandlerResult:
    """What a handler may return: a result name (an exit) and outputs."""

    result: str = "success"
    outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """How a call ended: the exit to take, the outputs, and an error text for the history."""

    exit: str
    outputs: Mapping[str, Any]
    error: str | None = None


class HandlerError(OpenpasError):
    """A handler cannot be found or loaded."""


class Handlers:
    """The registry of handlers by name."""

    def __init__(self, configured: Mapping[str, str] | None = None) -> None:
        self._targets: dict[str, str] = {}
        for point in entry_points(group=GROUP):
            self._targets[point.name] = point.value
        self._targets.update(configured or {})
        self._loaded: dict[str, Callable[..., Any]] = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(32, thread_name_prefix="handler")

    def register(self, name: str, function: Callable[..., Any]) -> None:
        """Register a callable directly (embedding openpas, tests)."""
        self._loaded[name] = function

    def names(self) -> list[str]:
        return sorted({*self._targets, *self._loaded})

    def resolve(self, name: str) -> Callable[..., Any]:
        found = self._loaded.get(name)
        if found is not None:
            return found
        target = self._targets.get(name)
        if target is None:
            raise HandlerError(f"no handler named {name!r} is registered")
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
            function = getattr(module, attribute) if attribute else module
        except (ImportError, AttributeError) as exc:
            raise HandlerError(f"the handler {name!r} ({target}) cannot be loaded: {exc}") from None
        if not callable(function):
            raise HandlerError(f"the handler {name!r} ({target}) is not callable")
        self._loaded[name] = function
        return function  # type: ignore[no-any-return]

    def call(self, name: str, parameters: Mapping[str, Any], timeout: float | None) -> Reply:
        """Call a handler and wait at most ``timeout`` seconds (None: no limit)."""
        try:
            function = self.resolve(name)
        except HandlerError as exc:
            return Reply("failure", {}, exc.message)
        future = self._pool.submit(function, **dict(parameters))
        try:
            returned = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            # A thread cannot be stopped; the handler runs on, its late reply is dropped.
            return Reply("timeout", {}, f"the handler {name!r} did not reply within {timeout:g} s")
        except Exception as exc:
            return Reply("failure", {}, f"the handler {name!r} failed: {type(exc).__name__}: {exc}")
        if isinstance(returned, HandlerResult):
            return Reply(returned.result, dict(returned.outputs))
        if returned is None:
            return Reply("success", {})
        if isinstance(returned, Mapping):
            return Reply("success", dict(returned))
        return Reply(
            "failure",
            {},
            f"the handler {name!r} returned a {type(returned).__name__}; "
            "it must return a mapping of outputs or a HandlerResult",
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
