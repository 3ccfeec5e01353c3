"""What goes wrong with the directory: a missing name, a change that breaks a rule, a bad file."""

from __future__ import annotations

from collections.abc import Sequence

from openpas.errors import OpenpasError, Problem


class NotFound(OpenpasError, LookupError):
    """No such user, workgroup, role, skill or status."""

    def __init__(self, kind: str, name: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.name = name


class InvalidEntry(OpenpasError, ValueError):
    """The directory entry is not valid."""


class NotLicensed(OpenpasError):
    """The user's licence does not allow this."""

    def __init__(self, user: str, message: str) -> None:
        super().__init__(message)
        self.user = user


class DirectoryError(OpenpasError):
    """The directory file is not valid."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        name = f"{source}: " if source else ""
        super().__init__(f"{name}the directory file has {count} {noun}")

    def describe(self) -> str:
        """The summary, then one line per problem (``file:line: path: message``)."""
        lines = [self.message, *(p.describe(self.source) for p in self.problems)]
        return "\n".join(lines)
