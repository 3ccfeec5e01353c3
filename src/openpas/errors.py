"""The one exception tree of openpas.

Every class's docstring is its default message. Errors carry the ids they are
about, so each edge (CLI, API) can translate them into one clear sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class OpenpasError(Exception):
    """Something went wrong in openpas."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Problem:
    """One problem found in a process document.

    Attributes:
        path: where in the document, e.g. ``states.Review.actions[2].yes[0]``.
        message: a plain sentence naming the problem, the bad value and what was expected.
        line: 1-based source line, when known.
        column: 1-based source column, when known.
        code: a short stable identifier of the kind of problem.
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    code: str = "invalid"

    def describe(self, source: str | None = None) -> str:
        """One line for people: ``file:line: path: message``."""
        where = source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        location = f"{where}: " if where else ""
        path = f"{self.path}: " if self.path else ""
        return f"{location}{path}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


class DefinitionError(OpenpasError):
    """The process definition is not valid."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        name = f"{source}: " if source else ""
        super().__init__(f"{name}the process definition has {count} {noun}")


class ExpressionError(OpenpasError):
    """The expression is not valid."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(f"{message} (line {line}, column {column})")


class EvaluationError(OpenpasError):
    """The expression could not be evaluated."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(f"{message} (line {line}, column {column})")


class LiteralError(OpenpasError):
    """The value is not valid for its type."""


class ConstraintError(OpenpasError):
    """The value breaks a constraint of its variable."""


class FlowError(OpenpasError):
    """The flow cannot continue."""


class InputError(OpenpasError):
    """A launch input is not valid."""
