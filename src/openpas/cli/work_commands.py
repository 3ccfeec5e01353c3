"""Commands for people and their work: the directory, presence, work items, queues.

Each command opens the server's database, builds the work item service over it
and rebuilds its router from the rows (``WorkService.start``), so a command
routes exactly as the running engine does; the engine notices the rows a
command changed at its next sweep and rebuilds its own router.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from openpas.cli.output import FAILED, USAGE, fail, print_json
from openpas.cli.server_commands import (
    ConfigOption,
    DataOption,
    DbOption,
    JsonOption,
    UserOption,
    _config,
    _context,
    _user,
)
from openpas.directory import service as directory
from openpas.directory.errors import DirectoryError
from openpas.events import Bus
from openpas.expr.values import NOT_SET, format_value, to_plain
from openpas.service.context import Context
from openpas.store.records import WorkItemRecord
from openpas.work.forms import InvalidFields
from openpas.work.service import WorkService

WorkerOption = Annotated[
    str | None,
    typer.Option("--user", envvar="OPENPAS_USER", help="Who works (default: your login)."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", metavar="FIELD=VALUE", help="A field's new value (repeatable)."),
]
ItemArgument = Annotated[int, typer.Argument(help="The work item's numeric id.")]


def _open(config: Path | None, db: str | None, data_dir: Path | None) -> tuple[Context, Bus]:
    return _context(_config(config, db, data_dir)), Bus()


def _work(ctx: Context, bus: Bus) -> WorkService:
    """The work item service of this command, its router rebuilt from the rows."""
    service = WorkService(ctx, bus, lambda: directory.snapshot(ctx))
    ctx.work = service
    service.start()
    return service


def _changes(sets: list[str] | None) -> dict[str, str]:
    changes: dict[str, str] = {}
    for text in sets or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            fail(f"--set {text!r} is not Field=value", USAGE)
        changes[key.strip()] = value
    return changes


def _item_json(item: WorkItemRecord) -> dict[str, Any]:
    return {
        "id": item.id,
        "work_item": item.work_item,
        "process": item.process_name,
        "flow": item.flow_id,
        "status": item.status,
        "routing": item.routing,
        "workgroup": item.workgroup,
        "owner": item.owner,
        "offered_to": list(item.offered_to),
        "priority": item.priority,
        "description": item.description,
        "details": item.details,
        "page": item.page,
        "queued_at": item.queued_at.isoformat(),
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "button": item.button,
        "completed_by": item.completed_by,
    }


# ---------------------------------------------------------------------- directory


def directory_import(
    file: Annotated[Path, typer.Argument(help="The directory file (YAML).")],
    merge: Annotated[
        bool, typer.Option("--merge", help="Keep stored entries the file does not mention.")
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Load a directory file: users, workgroups, roles, skills and statuses."""
    ctx, bus = _open(config, db, data_dir)
    try:
        found = directory.import_file(ctx, bus, file, merge=merge, by=_user(user))
    except DirectoryError as exc:
        print(exc.describe(), file=sys.stderr)
        raise typer.Exit(FAILED) from None
    _work(ctx, bus)  # waiting items may have new agents now
    print(f"imported {len(found.users)} users and {len(found.workgroups)} workgroups from {file}")


def directory_show(
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show users (licence, skills, presence) and workgroups (members, supervisors)."""
    ctx, _ = _open(config, db, data_dir)
    found = directory.snapshot(ctx)
    users: list[dict[str, Any]] = []
    for user in found.users.values():
        state = found.agents.get(user.name)
        users.append(
            {
                "name": user.name,
                "display_name": user.display_name,
                "licence": user.licence.label,
                "skills": dict(user.skills),
                "utilization": user.utilization,
                "roles": sorted(user.roles),
                "logged_in": bool(state and state.logged_in),
                "status": state.status if state else None,
                "available": found.is_available(user.name),
            }
        )
    groups: list[dict[str, Any]] = [
        {
            "name": group.name,
            "members": sorted(group.members),
            "supervisors": sorted(group.supervisors),
            "skills": dict(group.skills),
            "distribution": group.distribution,
            "queue": group.has_queue,
        }
        for group in found.workgroups.values()
    ]
    if as_json:
        print_json({"users": users, "workgroups": groups})
        return
    console = Console(highlight=False)
    table = Table("User", "Name", "Licence", "Skills", "Presence", title="Users")
    for u in users:
        skills = ", ".join(f"{k} {v}" for k, v in u["skills"].items())
        presence = u["status"] if u["logged_in"] else "logged out"
        table.add_row(u["name"], u["display_name"], u["licence"], skills, presence)
    console.print(table)
    groups_table = Table("Workgroup", "Members", "Supervisors", "Skills", title="Workgroups")
    for g in groups:
        skills = ", ".join(f"{k} {v}" for k, v in g["skills"].items())
        groups_table.add_row(
            g["name"], ", ".join(g["members"]), ", ".join(g["supervisors"]), skills
        )
    console.print(groups_table)


# ---------------------------------------------------------------------- presence


def login(
    user: Annotated[str, typer.Argument(help="The user logging in.")],
    status: Annotated[
        str | None, typer.Option("--status", help="The presence status (default: Available).")
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Log a user in to receive work; waiting items are offered at once."""
    ctx, bus = _open(config, db, data_dir)
    state = directory.login(ctx, bus, user, status)
    work = _work(ctx, bus)
    offered = sum(1 for i in work.my_items(user) if i.status == "new")
    print(f"{user} is logged in ({state.status}); {offered} work items offered")


def logout(
    user: Annotated[str, typer.Argument(help="The user logging out.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Log a user out: items in progress are held, offers go to others."""
    ctx, bus = _open(config, db, data_dir)
    work = _work(ctx, bus)
    held = work.logout(user)
    directory.logout(ctx, bus, user)
    work.people_changed([user])
    print(f"{user} is logged out; {held} work items held")


def presence(
    user: Annotated[str, typer.Argument(help="The user.")],
    status: Annotated[str, typer.Argument(help="The new presence status.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Set a logged-in user's presence status."""
    ctx, bus = _open(config, db, data_dir)
    state = directory.set_presence(ctx, bus, user, status)
    _work(ctx, bus)
    print(f"{user} is {state.status}")


# ---------------------------------------------------------------------- work items


def work_list(
    user: WorkerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a user's work items: offered (new), in progress and held."""
    ctx, bus = _open(config, db, data_dir)
    who = _user(user)
    items = WorkService(ctx, bus, lambda: directory.snapshot(ctx)).my_items(who)
    if as_json:
        print_json([_item_json(i) for i in items])
        return
    table = Table("Id", "Work item", "Status", "Workgroup", "Priority", "Flow", "Description")
    for i in items:
        table.add_row(
            str(i.id),
            i.work_item,
            i.status,
            i.workgroup or "",
            str(i.priority),
            f"#{i.flow_id}",
            i.description,
        )
    Console(highlight=False).print(table)


def work_pickup(
    item: ItemArgument,
    user: WorkerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Pick up an item offered to you, or resume one you hold."""
    ctx, bus = _open(config, db, data_dir)
    who = _user(user)
    record = _work(ctx, bus).pick_up(who, item)
    print(f"work item #{record.id} is in progress with {who} (page {record.page})")


def work_hold(
    item: ItemArgument,
    sets: SetOption = None,
    user: WorkerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Hold an item you work on; valid changed values are kept."""
    ctx, bus = _open(config, db, data_dir)
    _work(ctx, bus).hold(_user(user), item, _changes(sets))
    print(f"work item #{item} is held")


def work_show(
    item: ItemArgument,
    user: WorkerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the current page of an item you work on."""
    ctx, bus = _open(config, db, data_dir)
    page = WorkService(ctx, bus, lambda: directory.snapshot(ctx)).page(_user(user), item)
    fields = [
        {
            "field": f.key,
            "label": f.label,
            "type": f.type,
            "value": None if f.value is NOT_SET else to_plain(f.value),
            "editable": f.editable,
            "required": f.required,
        }
        for f in page.fields
    ]
    if as_json:
        print_json(
            {
                "page": page.name,
                "title": page.title,
                "number": page.number,
                "count": page.count,
                "texts": list(page.texts),
                "fields": fields,
                "buttons": [{"name": n, "kind": k} for n, k in page.buttons],
            }
        )
        return
    console = Console(highlight=False)
    console.print(f"{page.title} (page {page.number} of {page.count})", markup=False)
    for text in page.texts:
        console.print(text, markup=False)
    table = Table("Field", "Label", "Value", "")
    for f in page.fields:
        flags = ("required " if f.required else "") + ("" if f.editable else "read only")
        table.add_row(f.key, f.label, format_value(f.value), flags.strip())
    console.print(table)
    console.print("buttons: " + ", ".join(f"{n} ({k})" for n, k in page.buttons), markup=False)


def work_submit(
    item: ItemArgument,
    button: Annotated[str, typer.Option("--button", "-b", help="The button to press.")],
    sets: SetOption = None,
    user: WorkerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Press a button of the current page (with the fields' new values)."""
    ctx, bus = _open(config, db, data_dir)
    try:
        record = _work(ctx, bus).submit(_user(user), item, button, _changes(sets))
    except InvalidFields as exc:
        for name, reason in exc.invalid.items():
            print(f"{name}: {reason}", file=sys.stderr)
        fail(f"work item #{item}: {len(exc.invalid)} invalid fields; nothing was changed")
    if record.status == "in-progress":
        print(f"work item #{item} is on page {record.page}")
    else:
        print(f"work item #{item} is {record.status} by {button}; flow #{record.flow_id} goes on")


def work_transfer(
    item: ItemArgument,
    to_user: Annotated[
        str | None, typer.Option("--to-user", help="The user to send it to.")
    ] = None,
    to_workgroup: Annotated[
        str | None, typer.Option("--to-workgroup", help="The workgroup to send it to.")
    ] = None,
    user: WorkerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Transfer a new, waiting or held item to a user or a workgroup."""
    if (to_user is None) == (to_workgroup is None):
        fail("give exactly one of --to-user and --to-workgroup", USAGE)
    ctx, bus = _open(config, db, data_dir)
    _work(ctx, bus).transfer(_user(user), item, to_user=to_user, to_workgroup=to_workgroup)
    print(f"work item #{item} transferred to {to_user or to_workgroup}")


def queue(
    workgroup: Annotated[str, typer.Argument(help="The workgroup.")],
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """A workgroup queue's figures: waiting items, longest wait, agents, handled today."""
    ctx, bus = _open(config, db, data_dir)
    directory.snapshot(ctx).workgroup(workgroup)  # an unknown name is one clear line
    report = _work(ctx, bus).queue(workgroup)
    figures = {
        "workgroup": report.workgroup,
        "waiting": report.waiting,
        "offered": report.offered,
        "longest_wait_seconds": report.longest_wait,
        "agents_available": report.agents_available,
        "agents_busy": report.agents_busy,
        "agents_away": report.agents_away,
        "handled_today": report.handled_today,
        "average_handle_seconds": report.average_handle_seconds,
    }
    if as_json:
        print_json(figures)
        return
    for name, value in figures.items():
        print(f"{name.replace('_', ' ')}: {'-' if value is None else value}")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``openpas`` application."""
    directory_app = typer.Typer(help="Users, workgroups, roles and skills.", no_args_is_help=True)
    directory_app.command("import")(directory_import)
    directory_app.command("show")(directory_show)
    app.add_typer(directory_app, name="directory")
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("presence")(presence)
    work_app = typer.Typer(help="Your work items.", no_args_is_help=True)
    work_app.command("list")(work_list)
    work_app.command("pickup")(work_pickup)
    work_app.command("hold")(work_hold)
    work_app.command("show")(work_show)
    work_app.command("submit")(work_submit)
    work_app.command("transfer")(work_transfer)
    app.add_typer(work_app, name="work")
    app.command("queue")(queue)
