"""The action kinds. Each module of this package defines one; importing the
package registers them all and builds the action union of the documents."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from openpas.model.actions import base

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

ActionNodeType: Any = base.build()
"""The pydantic type of one action in a document (a union over every kind)."""
BlockType: Any = tuple[ActionNodeType, ...]

for _name, _spec in base.kinds().items():
    _spec.model_rebuild(_types_namespace={"Block": BlockType})
    base.node_class(_name).model_rebuild(_types_namespace={"Block": BlockType})

ActionNode = base.ActionNode
ActionSpec = base.ActionSpec
Block = base.Block
Where = base.Where
kinds = base.kinds
make = base.make

__all__ = [
    "ActionNode",
    "ActionNodeType",
    "ActionSpec",
    "Block",
    "BlockType",
    "Where",
    "kinds",
    "make",
]
