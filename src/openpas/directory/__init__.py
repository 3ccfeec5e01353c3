"""The directory: who can do what (users, workgroups, roles, skills, presence, licences).

:mod:`~openpas.directory.model` is the pure snapshot routing reads,
:mod:`~openpas.directory.file` reads the YAML directory file, and
:mod:`~openpas.directory.service` changes the stored directory and announces it.
"""

from __future__ import annotations

from openpas.directory.errors import DirectoryError, InvalidEntry, NotFound, NotLicensed
from openpas.directory.model import (
    DEFAULT_STATUSES,
    DISTRIBUTIONS,
    AgentState,
    Directory,
    Licence,
    PresenceStatus,
    Role,
    Skill,
    User,
    Workgroup,
)

__all__ = [
    "DEFAULT_STATUSES",
    "DISTRIBUTIONS",
    "AgentState",
    "Directory",
    "DirectoryError",
    "InvalidEntry",
    "Licence",
    "NotFound",
    "NotLicensed",
    "PresenceStatus",
    "Role",
    "Skill",
    "User",
    "Workgroup",
]
