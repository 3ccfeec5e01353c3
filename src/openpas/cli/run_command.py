"""``openpas run FILE --set Name=value``: run a flow in memory and show how it ended."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from openpas.cli.loading import load_or_exit
from openpas.cli.output import FAILED, USAGE, fail, print_json
from openpas.engine.launch import parse_inputs
from openpas.engine.memory import describe_wait
from openpas.engine.position import Position, Status
from openpas.errors import InputError
from openpas.expr.values import format_value, to_plain
from openpas.model import Definition
from openpas.service.simulate import simulate

MASK = "••••••"
"""What is shown instead of a value guarded by a security specification."""


def _assignments(texts: list[str]) -> dict[str, str]:
    """``Name=value`` texts as a mapping; a text without ``=`` is a usage error."""
    result: dict[str, str] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            fail(f"--set {text!r} is not Name=value, e.g. --set LoanAmount='25000 USD'", USAGE)
        result[name.strip()] = value
    return result


def _shown(definition: Definition, position: Position, show_secured: bool) -> dict[str, Any]:
    """The final process variables, with secured values masked unless asked for."""
    shown: dict[str, Any] = {}
    for name, variable in definition.variables.items():
        value = position.variables.get(name)
        secured = variable.decl.security is not None and not show_secured
        shown[name] = (MASK if secured else value, variable)
    return shown


def run(
    file: Annotated[Path, typer.Argument(help="A process document.", show_default=False)],
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            "-s",
            metavar="NAME=VALUE",
            help="A launch input, read by its declared type (repeat for each input).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", envvar="OPENPAS_JSON", help="Print a JSON document instead."),
    ] = False,
    show_secured: Annotated[
        bool,
        typer.Option(
            "--show-secured",
            envvar="OPENPAS_SHOW_SECURED",
            help="Show values guarded by a security specification (masked by default).",
        ),
    ] = False,
    others: Annotated[
        list[Path] | None,
        typer.Option(
            "--with",
            metavar="FILE",
            help="Another process document its Run Process actions start (repeatable).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run a flow start to end; exit 0 when it completed, 1 when it failed or waits.

    The flow runs on the real engine over a throw-away database: waits take no
    time (the clock jumps), handlers are called, subprocesses run. Only work
    for people cannot be simulated.
    """
    definition = load_or_exit(file)
    texts = [(str(other), load_or_exit(other).text) for other in others or []]
    texts.append((str(file), definition.text))
    try:
        inputs = parse_inputs(definition, _assignments(sets or []))
        position = simulate(texts, definition.name, inputs).position
    except InputError as exc:
        fail(f"the launch inputs are not valid: {exc.message}", USAGE)
    completed = position.status is Status.COMPLETED
    reason = None if completed else describe_wait(position)
    shown = _shown(definition, position, show_secured)
    if as_json:
        print_json(
            {
                "status": position.status.value,
                "state": position.state,
                "error": reason,
                "variables": {
                    name: value if value is MASK else to_plain(value)
                    for name, (value, _) in shown.items()
                },
            }
        )
    else:
        _print_table(definition, position, shown, reason)
    if not completed:
        raise typer.Exit(FAILED)


def _print_table(
    definition: Definition, position: Position, shown: dict[str, Any], reason: str | None
) -> None:
    console = Console(highlight=False)
    where = f" in state {position.state}" if position.state else ""
    console.print(f"{definition.name}: {position.status.value}{where}", markup=False)
    if reason:
        Console(stderr=True, highlight=False).print(f"openpas: {reason}", markup=False)
    table = Table(title="Process variables", title_justify="left")
    table.add_column("Variable", no_wrap=True)
    table.add_column("Type", no_wrap=True)
    table.add_column("Value", overflow="fold")
    for name, (value, variable) in shown.items():
        text = value if value is MASK else format_value(value)
        table.add_row(name, str(variable.type), text)
    console.print(table)
