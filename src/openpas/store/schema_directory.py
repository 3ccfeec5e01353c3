"""The tables of the directory: users, workgroups, roles, skills, presence (on ``schema.metadata``)."""

from __future__ import annotations

from openpas.store.schema import metadata

__all__ = ["metadata"]
