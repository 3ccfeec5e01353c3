"""The function library of the expression language, one module per family.

:data:`FUNCTIONS` maps each name to its :class:`~openpas.expr.functions.base.Function`
(signatures, docstring, implementation), for the compiler and for documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from openpas.expr.functions import (  # noqa: F401 - importing a family registers its functions
    collections,
    conversion,
    dates,
    maths,
    notset,
    strings,
)
from openpas.expr.functions.base import REGISTRY, Function

FUNCTIONS: Mapping[str, Function] = MappingProxyType(REGISTRY)
"""Every library function by its (case-sensitive) name."""

__all__ = ["FUNCTIONS", "Function"]
