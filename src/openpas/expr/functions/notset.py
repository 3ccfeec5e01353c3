"""Functions about NOT SET values: IsSet and Default."""

from __future__ import annotations

from typing import Any

from openpas.expr.functions.base import function
from openpas.expr.values import NOT_SET


@function("IsSet(value: any) -> boolean", strict=False)
def is_set(value: Any) -> bool:
    """Whether ``value`` holds a value (same as ``value is set``)."""
    return value is not NOT_SET


@function("Default(value: T, fallback: T) -> T", strict=False)
def default(value: Any, fallback: Any) -> Any:
    """``value`` when it is set, else ``fallback``: ``Default(Discount, 0)``."""
    return fallback if value is NOT_SET else value
