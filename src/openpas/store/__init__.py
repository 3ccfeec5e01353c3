"""Storage: all SQL of openpas. Importing the package defines every table on one metadata."""

from __future__ import annotations

from openpas.store import (
    schema,
    schema_directory,
    schema_monitor,
    schema_security,
    schema_work,
)

metadata = schema.metadata

__all__ = [
    "metadata",
    "schema",
    "schema_directory",
    "schema_monitor",
    "schema_security",
    "schema_work",
]
