"""The tables of work items (on ``schema.metadata``)."""

from __future__ import annotations

from openpas.store.schema import metadata

__all__ = ["metadata"]
