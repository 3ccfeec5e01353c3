"""``openpas diagram FILE``: the state diagram of a process, as Mermaid text or SVG."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from openpas.cli.loading import load_or_exit
from openpas.cli.output import write_text
from openpas.model import diagram as diagrams


class Format(enum.Enum):
    """The diagram formats."""

    MERMAID = "mermaid"
    SVG = "svg"


def diagram(
    file: Annotated[Path, typer.Argument(help="A process document.", show_default=False)],
    form: Annotated[
        Format,
        typer.Option(
            "--format", "-f", envvar="OPENPAS_DIAGRAM_FORMAT", help="mermaid text or an SVG image."
        ),
    ] = Format.MERMAID,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
) -> None:
    """Draw the state diagram: states, transitions, the end, and the tasks each state runs."""
    definition = load_or_exit(file)
    draw = diagrams.svg if form is Format.SVG else diagrams.mermaid
    write_text(draw(definition), output)
