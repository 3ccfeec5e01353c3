"""Loading a process definition: text in, a validated :class:`Definition` out.

Everything wrong with the document is reported at once, each problem with its
path, line and a plain sentence; nothing is built when there is an error.
"""

from __future__ import annotations

from pathlib import Path as FilePath

from pydantic import ValidationError

from openpas.errors import DefinitionError, Problem
from openpas.model.definition import Definition
from openpas.model.problems import describe, display_path, from_validation_error
from openpas.model.process import ProcessSpec
from openpas.model.source import SourceError, parse
from openpas.model.validator import Validator


def load_text(text: str, name: str | None = None) -> Definition:
    """Parse and validate a process document (YAML, or JSON).

    Args:
        text: the document.
        name: where it came from (a file name), for messages and JSON detection.

    Raises:
        DefinitionError: with every problem found.
    """
    try:
        source = parse(text, name, display_path)
    except SourceError as exc:
        raise DefinitionError(exc.problems, name) from None
    if not isinstance(source.data, dict):
        problem = Problem(
            "",
            "a process document is a mapping that starts with 'process: <name>'; "
            f"this one is {describe(source.data)}",
            1,
            1,
            "document",
        )
        raise DefinitionError([problem], name)
    try:
        spec = ProcessSpec.model_validate(source.data)
    except ValidationError as exc:
        raise DefinitionError(from_validation_error(exc, source, ProcessSpec), name) from None
    validator = Validator(spec, source, text)
    definition = validator.run()
    if definition is None:
        problems = sorted(validator.errors, key=lambda p: (p.line or 0, p.column or 0))
        raise DefinitionError(problems, name)
    return definition


def load_file(path: str | FilePath) -> Definition:
    """Read and validate a process document from a file.

    Raises:
        DefinitionError: the file cannot be read, or the document has problems.
    """
    file = FilePath(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = Problem("", f"no such file: {file}", code="file")
        raise DefinitionError([problem], str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        problem = Problem("", f"cannot read {file}: {reason}", code="file")
        raise DefinitionError([problem], str(file)) from None
    return load_text(text, str(file))


def load_spec(spec: ProcessSpec) -> Definition:
    """Validate a document built in code (tests, converters)."""
    validator = Validator(spec)
    definition = validator.run()
    if definition is None:
        raise DefinitionError(validator.errors)
    return definition
