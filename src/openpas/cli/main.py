"""The ``openpas`` application: its commands, and the edge where errors become one line.

Every command is a thin adapter: it reads arguments, calls the model or the
engine, and prints. A user's mistake ends with one clear line on stderr and a
non-zero exit status, never a stack trace.
"""

from __future__ import annotations

import sys

import typer

from openpas.cli import (
    diagram_command,
    run_command,
    schema_command,
    security_commands,
    serve_command,
    server_commands,
    validate_command,
    work_commands,
)
from openpas.cli.output import fail
from openpas.errors import OpenpasError

app = typer.Typer(
    name="openpas",
    help=(
        "openpas, an open Process Automation Server: validate, run and draw process "
        "documents, publish them, run the engine, and look after flows."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("validate")(validate_command.validate)
app.command("run")(run_command.run)
app.command("diagram")(diagram_command.diagram)
app.command("schema")(schema_command.schema)
app.command("serve")(serve_command.serve)
server_commands.register(app)
work_commands.register(app)
security_commands.register(app)


def main() -> None:
    """The console script ``openpas``."""
    try:
        app()
    except OpenpasError as exc:  # a mistake no command translated itself
        fail(exc.message)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
