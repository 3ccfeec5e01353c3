"""Process-level rights (Launch, View, Manage Process) and the licence gates.

A right is granted to a user, a workgroup or a role, for every process (``*``)
or for one process by name. A principal holds a right on a process when a
grant names them, one of their workgroups or one of their roles, for that
process or for ``*``. The rules:

- **Launch** starts flows of the process (production); a user needs at least
  the ``direct`` licence to use processes at all.
- **Test** launches are for designers: a ``designer`` licence may launch a test
  flow of any process, whatever the grants; nobody else may.
- **View** (or **Manage**) sees and searches every flow of the process; the
  originator of a flow always sees that flow.
- **Manage** cancels, retries and skips; managing is done in the monitor, so it
  also needs the ``monitor`` licence.
- Administrators may do everything (they need neither grants nor licence).

Licence gates: only ``group`` and above receive workgroup items (routing
enforces it), only ``monitor`` and above use the monitor
(:func:`require_monitor`), only ``designer`` publishes, activates and
deactivates (:func:`require_designer`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from openpas.directory.model import Licence
from openpas.errors import OpenpasError
from openpas.model.naming import suggest
from openpas.security import audit
from openpas.security.principal import Principal
from openpas.service.context import Context
from openpas.store import definitions
from openpas.store import directory as directory_store
from openpas.store import security_rights as store
from openpas.store.records import FlowRecord
from openpas.store.security_rights import GrantRecord

EVERY_PROCESS = "*"


class Right(enum.StrEnum):
    """A process-level right."""

    LAUNCH = "launch"
    VIEW = "view"
    MANAGE = "manage"


class SubjectKind(enum.StrEnum):
    """Who a grant or a specification names."""

    USER = "user"
    WORKGROUP = "workgroup"
    ROLE = "role"


class NotAllowed(OpenpasError, PermissionError):
    """The user may not do this."""

    def __init__(self, user: str, right: str, target: str, message: str) -> None:
        super().__init__(message)
        self.user = user
        self.right = right
        self.target = target


class InvalidName(OpenpasError, ValueError):
    """The name of a right or of a kind of grantee is not one openpas knows."""


def _parse(enum_type: type[Right] | type[SubjectKind], text: str, what: str) -> str:
    names = [member.value for member in enum_type]
    if text not in names:
        raise InvalidName(
            f"{text!r} is not a {what}{suggest(text, names)}; expected one of {', '.join(names)}"
        )
    return text


def parse_right(text: str) -> Right:
    """The right called ``text`` (``launch``, ``view``, ``manage``).

    Raises:
        InvalidName: no right has that name; the message lists those there are.
    """
    return Right(_parse(Right, text, "right"))


def parse_kind(text: str) -> SubjectKind:
    """The subject kind called ``text`` (``user``, ``workgroup``, ``role``)."""
    return SubjectKind(_parse(SubjectKind, text, "kind of grantee"))


# ---------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Rights:
    """A snapshot of every grant, with the rules that read it."""

    grants: tuple[GrantRecord, ...] = ()

    @classmethod
    def of(cls, grants: Iterable[GrantRecord]) -> Rights:
        return cls(tuple(grants))

    def holds(self, p: Principal, right: Right, process: str) -> bool:
        """Whether a grant gives ``p`` the ``right`` on ``process`` (administrators: always)."""
        if p.administrator:
            return True
        for g in self.grants:
            if g.right != right.value or g.process not in (EVERY_PROCESS, process):
                continue
            if (
                (g.subject_kind == SubjectKind.USER and g.subject == p.user)
                or (g.subject_kind == SubjectKind.WORKGROUP and g.subject in p.workgroups)
                or (g.subject_kind == SubjectKind.ROLE and g.subject in p.roles)
            ):
                return True
        return False

    def viewable_processes(self, p: Principal) -> frozenset[str] | None:
        """The processes whose every flow ``p`` may see; None means every process."""
        if p.administrator or self.holds(p, Right.VIEW, EVERY_PROCESS):
            return None
        if self.holds(p, Right.MANAGE, EVERY_PROCESS):
            return None
        if p.licence < Licence.DIRECT:
            return frozenset()
        return frozenset(
            g.process
            for g in self.grants
            if g.right in (Right.VIEW.value, Right.MANAGE.value)
            and g.process != EVERY_PROCESS
            and self.holds(p, Right(g.right), g.process)
        )

    def can_launch(self, p: Principal, process: str, mode: str = "production") -> bool:
        """Whether ``p`` may start a flow of ``process`` in ``mode`` (production or test)."""
        if p.administrator:
            return True
        if mode == "test":
            return p.licence >= Licence.DESIGNER
        return p.licence >= Licence.DIRECT and self.holds(p, Right.LAUNCH, process)

    def can_view_flow(self, p: Principal, flow: FlowRecord) -> bool:
        """Whether ``p`` may see ``flow``: View or Manage on its process, or its originator."""
        if p.administrator:
            return True
        if p.licence < Licence.DIRECT:
            return False
        return (
            flow.originator == p.user
            or self.holds(p, Right.VIEW, flow.process_name)
            or self.holds(p, Right.MANAGE, flow.process_name)
        )

    def can_manage(self, p: Principal, process: str) -> bool:
        """Whether ``p`` may cancel, retry and skip flows of ``process`` (Manage + monitor)."""
        if p.administrator:
            return True
        return p.licence >= Licence.MONITOR and self.holds(p, Right.MANAGE, process)

    # -- the same rules, raising

    def require_launch(self, p: Principal, process: str, mode: str = "production") -> None:
        """Raise :class:`NotAllowed` unless :meth:`can_launch`."""
        if self.can_launch(p, process, mode):
            return
        if mode == "test":
            raise NotAllowed(
                p.user,
                "launch",
                process,
                f"{p.user} may not launch a test flow of the process {process!r}: test "
                f"launches need the designer licence, and {p.user} has {p.licence.label}",
            )
        raise NotAllowed(
            p.user,
            "launch",
            process,
            f"{p.user} may not launch the process {process!r}: that needs the Launch "
            f"right on it{_licence_note(p, Licence.DIRECT)}",
        )

    def require_view(self, p: Principal, flow: FlowRecord) -> None:
        """Raise :class:`NotAllowed` unless :meth:`can_view_flow`."""
        if not self.can_view_flow(p, flow):
            raise NotAllowed(
                p.user,
                "view",
                flow.process_name,
                f"{p.user} may not view flow #{flow.id}: that needs the View or Manage right "
                f"on the process {flow.process_name!r}, or to have started the flow"
                f"{_licence_note(p, Licence.DIRECT)}",
            )

    def require_manage(self, p: Principal, process: str) -> None:
        """Raise :class:`NotAllowed` unless :meth:`can_manage`."""
        if not self.can_manage(p, process):
            raise NotAllowed(
                p.user,
                "manage",
                process,
                f"{p.user} may not manage flows of the process {process!r}: that needs the "
                f"Manage right on it and the monitor licence{_licence_note(p, Licence.MONITOR)}",
            )


def _licence_note(p: Principal, needed: Licence) -> str:
    if p.licence >= needed:
        return ""
    return f" ({p.user} has the {p.licence.label} licence; at least {needed.label} is needed)"


def require_licence(p: Principal, needed: Licence, what: str) -> None:
    """Raise :class:`NotAllowed` unless ``p`` holds ``needed`` (or is an administrator)."""
    if p.administrator or p.licence >= needed:
        return
    raise NotAllowed(
        p.user,
        f"licence {needed.label}",
        what,
        f"{p.user} may not {what}: that needs the {needed.label} licence, "
        f"and {p.user} has {p.licence.label}",
    )


def require_monitor(p: Principal, what: str = "use the process monitor") -> None:
    """Only ``monitor`` licences and above (and administrators) use the monitor."""
    require_licence(p, Licence.MONITOR, what)


def require_designer(p: Principal, what: str = "publish, activate or deactivate processes") -> None:
    """Only ``designer`` licences (and administrators) publish, activate and deactivate."""
    require_licence(p, Licence.DESIGNER, what)


def require_administrator(p: Principal, what: str) -> None:
    """Raise :class:`NotAllowed` unless ``p`` is an administrator."""
    if not p.administrator:
        raise NotAllowed(
            p.user, "administrator", what, f"{p.user} may not {what}: only administrators may"
        )


# ---------------------------------------------------------------------- services


def rights_of(conn: Connection) -> Rights:
    """The grants stored now, as a :class:`Rights` snapshot (in the caller's transaction)."""
    return Rights.of(store.all_grants(conn))


def load_rights(ctx: Context) -> Rights:
    """The grants stored now (a reading connection of its own)."""
    with ctx.read() as conn:
        return rights_of(conn)


def grants(ctx: Context, actor: Principal) -> list[GrantRecord]:
    """Every grant (administrators only)."""
    require_administrator(actor, "list the process rights")
    with ctx.read() as conn:
        return store.all_grants(conn)


def grant(
    ctx: Context, actor: Principal, kind: str, subject: str, right: str, process: str
) -> bool:
    """Give ``subject`` (a user, workgroup or role) ``right`` on ``process`` (or ``*``).

    Administrators only; recorded in the audit log. Returns False (and records
    nothing) when the grant exists already.

    Raises:
        NotAllowed: ``actor`` is no administrator.
        InvalidName: the kind or right is unknown (the message lists the known ones).
        NotFound: no such user, workgroup, role or published process.
    """
    require_administrator(actor, "grant process rights")
    kind_, right_ = parse_kind(kind), parse_right(right)
    now = ctx.clock()
    with ctx.db.begin() as conn:
        _check_subject(conn, kind_, subject)
        _check_process(conn, process)
        added = store.add_grant(conn, kind_.value, subject, right_.value, process, actor.user, now)
        if added:
            audited(
                conn,
                actor=actor.user,
                action="rights.grant",
                target=f"{kind_.value} {subject}",
                detail=f"{right_.value} on {process}",
                now=now,
            )
    return added


def revoke(
    ctx: Context, actor: Principal, kind: str, subject: str, right: str, process: str
) -> bool:
    """Take back a grant (administrators only; audited); False when there was none."""
    require_administrator(actor, "revoke process rights")
    kind_, right_ = parse_kind(kind), parse_right(right)
    now = ctx.clock()
    with ctx.db.begin() as conn:
        removed = store.remove_grant(conn, kind_.value, subject, right_.value, process)
        if removed:
            audited(
                conn,
                actor=actor.user,
                action="rights.revoke",
                target=f"{kind_.value} {subject}",
                detail=f"{right_.value} on {process}",
                now=now,
            )
    return removed


def audited(
    conn: Connection, *, actor: str, action: str, target: str, detail: str, now: dt.datetime
) -> None:
    """Record an administrative change in the audit log, in the change's transaction."""
    audit.record(conn, actor, action, target, detail=detail or None, at=now)


def _check_subject(conn: Connection, kind: SubjectKind, subject: str) -> None:
    """NotFound (from the directory) when the user, workgroup or role does not exist."""
    directory = directory_store.load(conn)
    {
        SubjectKind.USER: directory.user,
        SubjectKind.WORKGROUP: directory.workgroup,
        SubjectKind.ROLE: directory.role,
    }[kind](subject)


def _check_process(conn: Connection, process: str) -> None:
    if process == EVERY_PROCESS:
        return
    names = [p.name for p in definitions.processes(conn)]
    if process not in names:
        # Imported here: the flow service's steps use this package (no import cycle).
        from openpas.service.flows import NotFound

        raise NotFound(
            f"no process named {process!r} is published{suggest(process, names)}; "
            f"grant on a published process or on {EVERY_PROCESS!r} for every process"
        )
