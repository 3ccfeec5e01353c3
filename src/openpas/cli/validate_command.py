"""``openpas validate FILE...``: check process documents and list every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from openpas.cli.output import FAILED, print_json
from openpas.errors import DefinitionError, Problem
from openpas.model import load_file


def _check(file: Path) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of one file."""
    try:
        definition = load_file(file)
    except DefinitionError as exc:
        return sorted(exc.problems, key=lambda p: (p.line or 0, p.column or 0)), []
    return [], sorted(definition.warnings, key=lambda p: (p.line or 0, p.column or 0))


def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Process documents (YAML or JSON).", show_default=False)
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", envvar="OPENPAS_JSON", help="Print a JSON document instead."),
    ] = False,
) -> None:
    """Validate process documents; exit 1 listing every problem as file:line: path: message."""
    results: list[dict[str, Any]] = []
    all_valid = True
    for file in files:
        problems, warnings = _check(file)
        all_valid = all_valid and not problems
        results.append(
            {
                "file": str(file),
                "valid": not problems,
                "problems": [p.as_dict() for p in problems],
                "warnings": [p.as_dict() for p in warnings],
            }
        )
        if as_json:
            continue
        for warning in warnings:
            typer.echo(f"warning: {warning.describe(str(file))}", err=True)
        if problems:
            for problem in problems:
                typer.echo(problem.describe(str(file)), err=True)
            count = len(problems)
            typer.echo(f"✗ {file}: {count} problem{'s' if count != 1 else ''}", err=True)
        else:
            typer.echo(f"✓ {file}: valid")
    if as_json:
        print_json({"files": results})
    if not all_valid:
        raise typer.Exit(FAILED)
