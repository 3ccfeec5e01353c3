"""Commands for sign-in and the audit log: passwords, API tokens, who did what.

The command line is the tool of the operator who runs the server: who can
open its data folder or database can change them anyway, so these commands act
as an administrator named by ``--user`` (your login by default), and the audit
log says so.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from openpas.cli.output import USAGE, fail, print_json
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
from openpas.security import audit, auth, tokens
from openpas.store.audit import AuditRecord
from openpas.store.security_auth import TokenRecord

ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why (recorded in the audit log).")
]


def password_set(
    user_name: Annotated[str, typer.Argument(metavar="USER", help="Whose password.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
    must_change: Annotated[
        bool, typer.Option("--must-change", help="The user must change it at the next sign-in.")
    ] = False,
    reason: ReasonOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Set a user's password (prompted twice); their browser sessions end."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("--password-stdin: stdin has no password on its first line", USAGE)
    else:
        password = typer.prompt(
            f"New password for {user_name}", hide_input=True, confirmation_prompt=True
        )
    ctx = _context(_config(config, db, data_dir))
    revoked = auth.set_password(
        ctx,
        auth.local_operator(_user(user)),
        user_name,
        password,
        must_change=must_change,
        reason=reason,
    )
    ended = f"; {revoked} browser sessions ended" if revoked else ""
    print(f"password of {user_name} set{ended}")


def token_create(
    user_name: Annotated[str, typer.Argument(metavar="USER", help="Whose token.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    expires: Annotated[
        str,
        typer.Option("--expires", help="Lifetime: 30d, 12h, 2w, or never."),
    ] = "90d",
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token; its secret is printed this once."""
    try:
        lifetime = tokens.parse_lifetime(expires)
    except ValueError as exc:
        fail(f"--expires: {exc}", USAGE)
    ctx = _context(_config(config, db, data_dir))
    try:
        token_id, secret = tokens.create_token(
            ctx, auth.local_operator(_user(user)), user_name, name, lifetime
        )
    except ValueError as exc:
        fail(str(exc), USAGE)
    if as_json:
        print_json({"id": token_id, "user": user_name, "name": name, "secret": secret})
        return
    print(secret)
    print(
        f"token #{token_id} for {user_name}: copy the secret above now, it is not shown again",
        file=sys.stderr,
    )


def token_list(
    user_name: Annotated[
        str | None, typer.Argument(metavar="[USER]", help="Only this user's tokens.")
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """List API tokens (never their secrets)."""
    ctx = _context(_config(config, db, data_dir))
    found = tokens.list_tokens(ctx, auth.local_operator(_user(user)), user_name)
    now = ctx.clock()
    if as_json:
        print_json([_token_json(t, now) for t in found])
        return
    table = Table("Id", "User", "Name", "Status", "Expires", "Last used", "Created by")
    for t in found:
        table.add_row(
            str(t.id),
            t.user,
            t.name,
            _status(t, now),
            _when(t.expires_at) or "never",
            _when(t.last_used_at) or "never",
            t.created_by,
        )
    Console().print(table)


def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's number.")],
    reason: ReasonOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    user: UserOption = None,
) -> None:
    """Revoke an API token now."""
    ctx = _context(_config(config, db, data_dir))
    found = tokens.revoke_token(ctx, auth.local_operator(_user(user)), token_id, reason)
    if found.revoked_at is not None:
        print(f"token #{token_id} of {found.user} was already revoked")
    else:
        print(f"token #{token_id} of {found.user} revoked")


def audit_list(
    actor: Annotated[str | None, typer.Option("--actor", help="Only what this user did.")] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Only this action, or all under a prefix ending in '.'."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only from this time on (ISO 8601, UTC when no zone)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=audit.MAX_LIMIT)] = 100,
    config: ConfigOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the audit log, newest first: who did what, when and why."""
    start = None
    if since is not None:
        try:
            start = dt.datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since {since!r} is not a time like 2030-01-07T09:00 or 2030-01-07", USAGE)
        if start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
    ctx = _context(_config(config, db, data_dir))
    entries = audit.listing(ctx, actor=actor, action=action, since=start, limit=limit)
    if as_json:
        print_json([_entry_json(e) for e in entries])
        return
    table = Table("At", "Actor", "Action", "Target", "Reason", "Detail")
    for e in entries:
        table.add_row(_when(e.at), e.actor, e.action, e.target, e.reason or "", e.detail or "")
    Console(highlight=False).print(table)


def _when(at: dt.datetime | None) -> str:
    return "" if at is None else at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _status(t: TokenRecord, now: dt.datetime) -> str:
    if t.revoked_at is not None:
        return "revoked"
    if t.expires_at is not None and t.expires_at <= now:
        return "expired"
    return "active"


def _token_json(t: TokenRecord, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": t.id,
        "user": t.user,
        "name": t.name,
        "status": _status(t, now),
        "created_at": t.created_at.isoformat(),
        "created_by": t.created_by,
        "expires_at": t.expires_at.isoformat() if t.expires_at else None,
        "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
    }


def _entry_json(e: AuditRecord) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "target": e.target,
        "reason": e.reason,
        "detail": e.detail,
    }


def register(app: typer.Typer) -> None:
    """Add these commands to the ``openpas`` application."""
    password_app = typer.Typer(help="Users' passwords.", no_args_is_help=True)
    password_app.command("set")(password_set)
    app.add_typer(password_app, name="password")
    token_app = typer.Typer(help="API tokens for programs.", no_args_is_help=True)
    token_app.command("create")(token_create)
    token_app.command("list")(token_list)
    token_app.command("revoke")(token_revoke)
    app.add_typer(token_app, name="token")
    app.command("audit")(audit_list)
