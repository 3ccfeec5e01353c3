"""``openpas schema``: the JSON Schema of process documents, for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from openpas.cli.output import write_text
from openpas.model.schema import json_schema


def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the JSON Schema of the process document format."""
    write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", output)
