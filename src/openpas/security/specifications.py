"""Security specifications: named lists of users, workgroups and roles who may see a variable.

A process variable declared with ``security: Personal Data`` is seen only by
the members of the specification ``Personal Data``: a user named in it, a
member of a workgroup named in it, or a holder of a role named in it. A
variable without a specification is public.

Two decisions, stated here and in ``docs/security.md``:

- an **unknown** specification (named by a variable, never created) hides the
  variable from everyone: a typo must never publish personal data;
- an **administrator is not automatically a member**: administrators manage
  the lists (and may add themselves, which the audit log records), but
  reading personal data needs membership like everybody else.

Specifications are changed by administrators only, and every change is
recorded in the audit log. They may also be loaded from the ``specifications``
section of a YAML file (the directory file may carry it)::

    specifications:
      Personal Data: {users: [ann], workgroups: [Loan Officers], roles: [Underwriters]}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from sqlalchemy import Connection

from openpas.directory.errors import DirectoryError, InvalidEntry, NotFound
from openpas.directory.model import Directory, name_problem
from openpas.engine.position import Position
from openpas.errors import Problem
from openpas.expr import values
from openpas.expr.values import NOT_SET, Record
from openpas.model.definition import Definition
from openpas.model.naming import suggest
from openpas.model.scopes import Variable
from openpas.model.source import Source, SourceError, parse
from openpas.security.principal import Principal
from openpas.security.rights import SubjectKind, audited, require_administrator
from openpas.service.context import Context
from openpas.store import directory as directory_store
from openpas.store import security_rights as store
from openpas.store.security_rights import SpecificationRecord

HIDDEN_TEXT = "[hidden]"
"""What replaces the text of a hidden value inside a message."""
MIN_SCRUBBED = 3
"""Shorter texts are not cut out of messages (they would garble ordinary words)."""
MEMBER_KEYS = ("users", "workgroups", "roles")
_KIND_OF_KEY = {"users": "user", "workgroups": "workgroup", "roles": "role"}


@dataclass(frozen=True)
class Members:
    """Who a specification lets see its variables."""

    users: frozenset[str] = frozenset()
    workgroups: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, users: Iterable[str] = (), workgroups: Iterable[str] = (), roles: Iterable[str] = ()
    ) -> Members:
        return cls(frozenset(users), frozenset(workgroups), frozenset(roles))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Members:
        listed = list(pairs)
        return cls.of(
            (m for k, m in listed if k == SubjectKind.USER),
            (m for k, m in listed if k == SubjectKind.WORKGROUP),
            (m for k, m in listed if k == SubjectKind.ROLE),
        )

    def pairs(self) -> set[tuple[str, str]]:
        """(kind, name) of every member, as stored."""
        return (
            {(SubjectKind.USER.value, n) for n in self.users}
            | {(SubjectKind.WORKGROUP.value, n) for n in self.workgroups}
            | {(SubjectKind.ROLE.value, n) for n in self.roles}
        )

    def admits(self, p: Principal) -> bool:
        """Whether ``p`` is a member directly, through a workgroup or through a role."""
        return (
            p.user in self.users
            or not self.workgroups.isdisjoint(p.workgroups)
            or not self.roles.isdisjoint(p.roles)
        )


@dataclass(frozen=True)
class Specifications:
    """A snapshot of every security specification, with the rule that reads it."""

    members: Mapping[str, Members] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Mapping[str, SpecificationRecord]) -> Specifications:
        return cls({n: Members.from_pairs(r.members) for n, r in records.items()})

    def may_see(self, p: Principal, spec_name: str | None) -> bool:
        """Whether ``p`` may see data guarded by ``spec_name`` (None: public data).

        An unknown specification hides from everyone; administrators are not
        members unless a list names them.
        """
        if spec_name is None:
            return True
        found = self.members.get(spec_name)
        return found is not None and found.admits(p)

    def hidden(self, p: Principal, variables: Mapping[str, Variable]) -> frozenset[str]:
        """The names of ``variables`` that ``p`` may not see."""
        return frozenset(
            name for name, v in variables.items() if not self.may_see(p, v.decl.security)
        )


# ---------------------------------------------------------------------- messages


class Scrubber:
    """Cuts the text of hidden values out of messages (errors may quote a value)."""

    def __init__(self, hidden: Iterable[Any]) -> None:
        texts: set[str] = set()
        for value in hidden:
            _texts_of(value, texts)
        # Longest first, so that a value containing another is cut out whole.
        self.texts = sorted(
            (t for t in texts if len(t) >= MIN_SCRUBBED and t not in ("true", "false")),
            key=len,
            reverse=True,
        )

    def __call__(self, text: str | None) -> str | None:
        if text is None or not self.texts:
            return text
        for secret in self.texts:
            text = text.replace(secret, HIDDEN_TEXT)
        return text


def _texts_of(value: Any, into: set[str]) -> None:
    if value is NOT_SET or value is None:
        return
    if isinstance(value, tuple | list):
        for item in value:
            _texts_of(item, into)
        return
    if isinstance(value, Record):
        for item in value.values():
            _texts_of(item, into)
        return
    shown = values.format_value(value)
    for text in (shown, value if isinstance(value, str) else shown):
        into.add(text)
        # Error messages shorten long values (57 characters and "..."): cut those too.
        if len(text) > 60:
            into.add(text[:57])


def without_secured(definition: Definition, position: Position, text: str | None) -> str | None:
    """``text`` with the value of every variable that has a security specification cut out.

    For texts kept where no specification can be checked later (a flow's history,
    the audit log): an engine error may quote the value that broke it.
    """
    if text is None:
        return None
    found: list[Any] = [
        position.variables.get(name, NOT_SET)
        for name, variable in definition.variables.items()
        if variable.decl.security
    ]
    tables = {"state": definition.states, "task": definition.tasks}
    for frame in position.frames:
        declared = tables.get(frame.kind, {}).get(frame.name, {})
        found += [
            frame.locals.get(name, NOT_SET)
            for name, variable in declared.items()
            if variable.decl.security
        ]
    return Scrubber(found)(text)


# ---------------------------------------------------------------------- services


def specifications_of(conn: Connection) -> Specifications:
    """The specifications stored now (in the caller's transaction)."""
    return Specifications.of(store.all_specifications(conn))


def load_specifications(ctx: Context) -> Specifications:
    """The specifications stored now (a reading connection of its own)."""
    with ctx.read() as conn:
        return specifications_of(conn)


def listing(ctx: Context, actor: Principal) -> dict[str, SpecificationRecord]:
    """Every specification with its members (administrators only)."""
    require_administrator(actor, "list the security specifications")
    with ctx.read() as conn:
        return store.all_specifications(conn)


def create(
    ctx: Context, actor: Principal, name: str, members: Members, description: str = ""
) -> None:
    """Create a specification (administrators only; audited).

    Raises:
        NotAllowed: ``actor`` is no administrator.
        InvalidEntry: the name is not valid, or the specification exists already.
        NotFound: a member is no user, workgroup or role of the directory.
    """
    require_administrator(actor, "create security specifications")
    why = name_problem(name, "security specification")
    if why is not None:
        raise InvalidEntry(why)
    now = ctx.clock()
    with ctx.db.begin() as conn:
        _check_members(directory_store.load(conn), members)
        if not store.create_specification(conn, name, description, now):
            raise InvalidEntry(f"the security specification {name!r} exists already")
        store.set_members(conn, name, members.pairs())
        audited(
            conn,
            actor=actor.user,
            action="specification.create",
            target=name,
            detail=_describe(members),
            now=now,
        )


def set_members(ctx: Context, actor: Principal, name: str, members: Members) -> None:
    """Replace the members of a specification (administrators only; audited)."""
    require_administrator(actor, "change security specifications")
    now = ctx.clock()
    with ctx.db.begin() as conn:
        known = store.all_specifications(conn)
        if name not in known:
            raise NotFound(
                "specification",
                name,
                f"there is no security specification {name!r}{suggest(name, known)}",
            )
        _check_members(directory_store.load(conn), members)
        store.set_members(conn, name, members.pairs())
        audited(
            conn,
            actor=actor.user,
            action="specification.change",
            target=name,
            detail=_describe(members),
            now=now,
        )


def delete(ctx: Context, actor: Principal, name: str) -> None:
    """Delete a specification: its variables are then hidden from everyone (audited)."""
    require_administrator(actor, "delete security specifications")
    now = ctx.clock()
    with ctx.db.begin() as conn:
        if not store.delete_specification(conn, name):
            known = store.all_specifications(conn)
            raise NotFound(
                "specification",
                name,
                f"there is no security specification {name!r}{suggest(name, known)}",
            )
        audited(
            conn, actor=actor.user, action="specification.delete", target=name, detail="", now=now
        )


def import_file(ctx: Context, actor: Principal, path: str | FilePath) -> dict[str, Members]:
    """Create or replace the specifications of a file's ``specifications`` section.

    Specifications the file does not name stay as they are. Everything is
    checked first; nothing changes when anything is wrong.

    Raises:
        DirectoryError: the file cannot be read or has problems, each at its line.
    """
    require_administrator(actor, "import security specifications")
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problem = Problem("", f"the file cannot be read: {reason}", code="file")
        raise DirectoryError([problem], str(path)) from None
    now = ctx.clock()
    with ctx.db.begin() as conn:
        found = load_text(text, str(path), directory_store.load(conn))
        known = store.all_specifications(conn)
        for name, members in found.items():
            if name not in known:
                store.create_specification(conn, name, "", now)
            store.set_members(conn, name, members.pairs())
            audited(
                conn,
                actor=actor.user,
                action="specification.import",
                target=name,
                detail=_describe(members),
                now=now,
            )
    return found


def load_text(
    text: str, name: str | None = None, directory: Directory | None = None
) -> dict[str, Members]:
    """The ``specifications`` section of a YAML document (other sections are ignored).

    With ``directory``, every member must exist in it.

    Raises:
        DirectoryError: every problem, each with its path and line.
    """
    try:
        source = parse(text, name)
    except SourceError as exc:
        raise DirectoryError(exc.problems, name) from None
    problems: list[Problem] = []
    found = _read(source, directory, problems)
    if problems:
        raise DirectoryError(problems, name)
    return found


def _read(
    source: Source, directory: Directory | None, problems: list[Problem]
) -> dict[str, Members]:
    def problem(path: tuple[str | int, ...], message: str, code: str) -> None:
        line, column = source.position(path)
        shown = ".".join(str(p) for p in path)
        problems.append(Problem(shown, message, line, column, code))

    data = source.data if isinstance(source.data, dict) else {}
    section = data.get("specifications") or {}
    if not isinstance(section, dict):
        problem(("specifications",), "specifications must be a mapping of names", "type")
        return {}
    found: dict[str, Members] = {}
    for spec_name, entry in section.items():
        at: tuple[str | int, ...] = ("specifications", spec_name)
        why = name_problem(spec_name, "security specification")
        if why is not None:
            problem(at, why, "name")
            continue
        entry = entry or {}
        if not isinstance(entry, dict):
            problem(at, f"{spec_name!r} must be a mapping of {', '.join(MEMBER_KEYS)}", "type")
            continue
        lists: dict[str, list[str]] = {}
        for key, value in entry.items():
            if key not in MEMBER_KEYS:
                problem(
                    (*at, key),
                    f"{key!r} is not a key of a specification{suggest(str(key), MEMBER_KEYS)}; "
                    f"expected {', '.join(MEMBER_KEYS)}",
                    "unknown-key",
                )
                continue
            names = [value] if isinstance(value, str) else value or []
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                problem((*at, key), f"{key} must be a list of names", "type")
                continue
            lists[key] = names
            if directory is not None:
                for index, member in enumerate(names):
                    why = _missing(directory, _KIND_OF_KEY[key], member)
                    if why is not None:
                        problem((*at, key, index), why, f"unknown-{_KIND_OF_KEY[key]}")
        found[spec_name] = Members.of(
            lists.get("users", ()), lists.get("workgroups", ()), lists.get("roles", ())
        )
    return found


def _missing(directory: Directory, kind: str, name: str) -> str | None:
    table: Mapping[str, Any] = {
        "user": directory.users,
        "workgroup": directory.workgroups,
        "role": directory.roles,
    }[kind]
    if name in table:
        return None
    return f"there is no {kind} {name!r}{suggest(name, table)}"


def _check_members(directory: Directory, members: Members) -> None:
    for kind, names in (
        ("user", members.users),
        ("workgroup", members.workgroups),
        ("role", members.roles),
    ):
        for member in sorted(names):
            why = _missing(directory, kind, member)
            if why is not None:
                raise NotFound(kind, member, f"{why}; a specification lists existing names only")


def _describe(members: Members) -> str:
    parts = [
        f"{key}: {', '.join(sorted(names))}"
        for key, names in (
            ("users", members.users),
            ("workgroups", members.workgroups),
            ("roles", members.roles),
        )
        if names
    ]
    return "; ".join(parts) or "no members"
