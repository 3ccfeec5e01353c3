"""Loading a document for a command that needs a valid one."""

from __future__ import annotations

import sys
from pathlib import Path

from openpas.cli.output import fail
from openpas.errors import DefinitionError
from openpas.model import Definition, load_file


def load_or_exit(file: Path) -> Definition:
    """The definition in ``file``; on problems, list them on stderr and exit 1."""
    try:
        return load_file(file)
    except DefinitionError as exc:
        problems = sorted(exc.problems, key=lambda p: (p.line or 0, p.column or 0))
        for problem in problems:
            print(problem.describe(str(file)), file=sys.stderr)
        count = len(problems)
        fail(f"{file} is not a valid process document ({count} problem{'s' if count != 1 else ''})")
