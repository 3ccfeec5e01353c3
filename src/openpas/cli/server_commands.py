"""Commands that work on a server's database: the engine loop, publishing, flows.

``openpas engine`` runs the engine of one server until SIGTERM or Ctrl+C;
the other commands open the same database (``--db``, or the data folder's
SQLite file) and call the services directly.
"""

from __future__ import annotations

import getpass
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from openpas.cli.output import USAGE, fail, print_json
from openpas.config import PARAMETERS, ServerConfig, load_config
from openpas.errors import DefinitionError
from openpas.expr.values import format_value, to_plain
from openpas.service import flows as flow_service
from openpas.service import processes
from openpas.service.context import Context
from openpas.service.node import Node
from openpas.store.database import migrate, open_database

MASK = "••••••"

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="OPENPAS_CONFIG", help="A YAML configuration file."),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="OPENPAS_DATABASE_URL",
        help="The storage database (a SQLAlchemy URL); default: SQLite in the data folder.",
    ),
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="OPENPAS_DATA_DIR", help="The data folder (default: data)."),
]
UserOption = Annotated[
    str | None,
    typer.Option("--user", envvar="OPENPAS_USER", help="Who does this (default: your login)."),
]
JsonOption = Annotated[bool, typer.Option("--json", envvar="OPENPAS_JSON", help="Print JSON.")]


def _config(config: Path | None, db: str | None, data_dir: Path | None) -> ServerConfig:
    return load_config(config, data_dir, db)


def _context(config: ServerConfig) -> Context:
    engine = open_database(config.effective_database_url)
    migrate(engine)
    ctx = Context(engine, config.storage_id(), settings=config.settings)
    ctx.restored.set()  # a command is not the server that restores; it never waits for it
    return ctx


def _user(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "openpas"


def engine(config: ConfigOption = None, db: DbOption = None, data_dir: DataOption = None) -> None:
    """Run the engine of one server until SIGTERM or Ctrl+C (the steps in progress finish)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    node = Node(_config(config, db, data_dir))
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        print(f"openpas: {signal.Signals(signum).name} received, stopping", file=sys.stderr)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    report = node.start()
    print(
        f"openpas engine running: storage id {node.ctx.storage_id}, "
        f"{report.owned} flows owned, {report.restored_in_error} restored in error",
        flush=True,
    )
    stop.wait()
    node.stop()
    print("openpas engine stopped", flush=True)


def publish(
    files: Annotated[list[Path], typer.Argument(help="Process documents to publish.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Validate and publish documents; each publication is a new version."""
    ctx = _context(_config(config, db, data_dir))
    failed = False
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"openpas: error: cannot read {file}: {exc}", file=sys.stderr)
            failed = True
            continue
        try:
            record, _ = processes.publish(ctx, text, _user(user), str(file))
        except DefinitionError as exc:
            for problem in exc.problems:
                print(problem.describe(str(file)), file=sys.stderr)
            print(f"openpas: {file} was not published", file=sys.stderr)
            failed = True
            continue
        print(f"published {record.name} version {record.version}")
    if failed:
        raise typer.Exit(1)


def process_list(
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the published processes with their latest version, owner and status."""
    ctx = _context(_config(config, db, data_dir))
    rows = processes.listing(ctx)
    if as_json:
        print_json(
            [
                {"name": r.name, "version": r.latest_version, "owner": r.owner, "active": r.active}
                for r in rows
            ]
        )
        return
    table = Table("Process", "Version", "Owner", "Status")
    for r in rows:
        table.add_row(r.name, str(r.latest_version), r.owner, "active" if r.active else "inactive")
    Console().print(table)


def activate(
    name: Annotated[str, typer.Argument(help="The process name.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Allow new launches of a process again."""
    processes.set_active(_context(_config(config, db, data_dir)), name, True, by=_user(user))
    print(f"{name} is active")


def deactivate(
    name: Annotated[str, typer.Argument(help="The process name.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Stop new launches of a process; running flows go on."""
    processes.set_active(_context(_config(config, db, data_dir)), name, False, by=_user(user))
    print(f"{name} is inactive: no new launches; running flows go on")


def launch(
    name: Annotated[str, typer.Argument(help="The process to launch.")],
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", "-s", metavar="NAME=VALUE", help="A launch input (repeatable)."),
    ] = None,
    test: Annotated[bool, typer.Option("--test", help="Launch in test mode.")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Launch a flow of the latest active version; the engine runs it."""
    texts: dict[str, str] = {}
    for text in sets or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            fail(f"--set {text!r} is not Name=value", USAGE)
        texts[key.strip()] = value
    ctx = _context(_config(config, db, data_dir))
    flow_id = flow_service.launch(
        ctx, name, texts=texts, originator=_user(user), mode="test" if test else "production"
    )
    if as_json:
        print_json({"id": flow_id})
    else:
        print(f"launched flow #{flow_id}")


def flow_list(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only flows in this status (repeatable).")
    ] = None,
    process: Annotated[str | None, typer.Option("--process", help="Only this process.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List flows, newest first."""
    ctx = _context(_config(config, db, data_dir))
    rows = flow_service.search(ctx, status=status, process=process, limit=limit)
    if as_json:
        print_json([_flow_json(r) for r in rows])
        return
    table = Table("Id", "Process", "Version", "Status", "State", "Waits on", "Details")
    for r in rows:
        waits = f"{r.wait_kind} {r.wait_key}" if r.wait_kind else ""
        table.add_row(
            str(r.id), r.process_name, str(r.version), r.status, r.state or "", waits, r.details
        )
    Console().print(table)


def _flow_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "process": r.process_name,
        "version": r.version,
        "status": r.status,
        "state": r.state,
        "wait": {"kind": r.wait_kind, "key": r.wait_key} if r.wait_kind else None,
        "error": r.error,
        "originator": r.originator,
        "launch_mode": r.launch_mode,
        "details": r.details,
        "owner": r.owner,
        "created_at": r.created_at.isoformat(),
        "ended_at": r.ended_at.isoformat() if r.ended_at else None,
    }


def flow_show(
    flow_id: Annotated[int, typer.Argument(help="The flow's numeric id.")],
    show_secured: Annotated[bool, typer.Option("--show-secured")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a flow: status, variables (secured ones masked), history, calls and notes."""
    ctx = _context(_config(config, db, data_dir))
    found = flow_service.details(ctx, flow_id)
    variables: dict[str, Any] = {}
    for name, variable in found.program.definition.variables.items():
        value = found.position.variables.get(name)
        secured = variable.decl.security is not None and not show_secured
        variables[name] = MASK if secured else to_plain(value) if as_json else format_value(value)
    history = [
        {
            "at": h.at.isoformat(),
            "event": h.event,
            "place": h.place,
            "action": h.action,
            "outcome": h.outcome,
            "detail": h.detail,
        }
        for h in found.history
    ]
    if as_json:
        print_json(
            {
                **_flow_json(found.record),
                "variables": variables,
                "history": history,
                "calls": [
                    {
                        "key": c.key,
                        "target": c.target,
                        "status": c.status,
                        "result": c.result,
                        "error": c.error,
                    }
                    for c in found.calls
                ],
                "notes": [{**n, "at": n["at"].isoformat()} for n in found.notes],
                "completion": None
                if found.completion is None
                else {**found.completion, "ended_at": found.completion["ended_at"].isoformat()},
            }
        )
        return
    record = found.record
    console = Console(highlight=False)
    console.print(
        f"flow #{record.id} {record.process_name} v{record.version}: {record.status}"
        + (f" in state {record.state}" if record.state else ""),
        markup=False,
    )
    if record.error:
        console.print(f"error: {record.error}", markup=False)
    table = Table("Variable", "Value", title="Variables", title_justify="left")
    for name, text in variables.items():
        table.add_row(name, str(text))
    console.print(table)
    events = Table(
        "At", "Event", "Place", "Action", "Outcome", title="History", title_justify="left"
    )
    for h in history:
        events.add_row(
            h["at"], h["event"], h["place"], h["action"], h["outcome"] or h["detail"] or ""
        )
    console.print(events)


def flow_cancel(
    flow_id: Annotated[int, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded).")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Cancel a flow (and the subprocesses it waits for)."""
    flow_service.cancel(_context(_config(config, db, data_dir)), flow_id, reason, _user(user))
    print(f"flow #{flow_id} cancelled")


def flow_retry(
    flow_id: Annotated[int, typer.Argument()],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Run the failed action of a flow again."""
    flow_service.retry(_context(_config(config, db, data_dir)), flow_id, _user(user))
    print(f"flow #{flow_id} will run its action again")


def flow_skip(
    flow_id: Annotated[int, typer.Argument()],
    exit_name: Annotated[str | None, typer.Option("--exit", help="The exit to take.")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Continue after the failed action of a flow, on one of its exits."""
    taken = flow_service.skip(
        _context(_config(config, db, data_dir)), flow_id, _user(user), exit_name
    )
    print(f"flow #{flow_id} continues on exit {taken}")


def flow_note(
    flow_id: Annotated[int, typer.Argument()],
    text: Annotated[str, typer.Argument(help="The note.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Add a note to a flow."""
    flow_service.add_note(_context(_config(config, db, data_dir)), flow_id, _user(user), text)
    print(f"note added to flow #{flow_id}")


def parameters(
    config: ConfigOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the server parameters with their values and what they do."""
    settings = load_config(config, data_dir).settings
    if as_json:
        print_json(
            [
                {
                    "name": p.name,
                    "value": settings[p.name],
                    "default": p.default,
                    "minimum": p.minimum,
                    "env": p.env_name,
                    "doc": p.doc,
                }
                for p in PARAMETERS
            ]
        )
        return
    table = Table("Parameter", "Value", "Default", "What it does")
    for p in PARAMETERS:
        table.add_row(p.name, str(settings[p.name]), str(p.default), p.doc)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``openpas`` application."""
    app.command("engine")(engine)
    app.command("publish")(publish)
    app.command("processes")(process_list)
    app.command("activate")(activate)
    app.command("deactivate")(deactivate)
    app.command("launch")(launch)
    app.command("flows")(flow_list)
    app.command("parameters")(parameters)
    flow_app = typer.Typer(help="Look at and repair one flow.", no_args_is_help=True)
    flow_app.command("show")(flow_show)
    flow_app.command("cancel")(flow_cancel)
    flow_app.command("retry")(flow_retry)
    flow_app.command("skip")(flow_skip)
    flow_app.command("note")(flow_note)
    app.add_typer(flow_app, name="flow")
