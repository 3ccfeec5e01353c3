"""Who can do what: users, workgroups, roles, skills, presence and licences (pure data).

A :class:`Directory` is an immutable snapshot; routing reads one and never
the database. Every entry checks its own values when built and raises
:class:`~openpas.directory.errors.InvalidEntry` naming the bad value; whether
the names an entry refers to exist is the business of whoever assembles the
snapshot (the directory file, the store, the services).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from types import MappingProxyType

from openpas.directory.errors import InvalidEntry, NotFound
from openpas.model.naming import suggest

MAX_NAME = 100
MIN_PROFICIENCY = 1
MAX_PROFICIENCY = 100
MAX_UTILIZATION = 100
DISTRIBUTIONS = ("best skill", "round robin", "shortest queue", "longest idle")
"""How a workgroup's queue picks among its qualified, available members."""


class Licence(IntEnum):
    """A user's one licence; each includes all those below it (``licence >= Licence.GROUP``)."""

    NONE = 0
    DIRECT = 1
    """Receive work items sent to the user, and start processes the user may start."""
    GROUP = 2
    """Also receive work items from the queues of the user's workgroups."""
    MONITOR = 3
    """Also use the process monitor."""
    DESIGNER = 4
    """Also design processes."""

    @property
    def label(self) -> str:
        """The name as written in the directory file (``group``)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: object) -> Licence:
        """The licence called ``text`` (``direct``, ``group``, ``monitor``, ``designer``, ``none``).

        Raises:
            InvalidEntry: no licence has that name; the message suggests the closest one.
        """
        names = [member.label for member in cls]
        if isinstance(text, str) and text.strip().lower() in names:
            return cls[text.strip().upper()]
        hint = suggest(text, names) if isinstance(text, str) else ""
        raise InvalidEntry(f"{text!r} is not a licence{hint}; expected one of {', '.join(names)}")


def name_problem(name: object, what: str, *, spaces: bool = True) -> str | None:
    """Why ``name`` cannot name a ``what`` of the directory, or None when it can.

    User names are logins (no spaces: ``ann``, ``ann.lee@example.com``);
    workgroups, roles, skills and statuses may contain single spaces
    (``Loan Officers``, ``Do Not Disturb``).
    """
    if not isinstance(name, str) or not name:
        return f"a {what} name must be text, got {name!r}"
    if len(name) > MAX_NAME:
        return f"the {what} name {name[:20]!r}... is longer than {MAX_NAME} characters"
    if not name.isprintable():
        return f"the {what} name {name!r} contains a control character"
    if not spaces and " " in name:
        return f"the {what} name {name!r} contains a space; a {what} name is one word"
    if name != name.strip() or "  " in name:
        return f"the {what} name {name!r} has leading, trailing or double spaces"
    return None


def proficiency_problem(value: object, what: str) -> str | None:
    """Why ``value`` is not a proficiency (a whole number from 1 to 100), or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"the proficiency of {what} must be a whole number from 1 to 100, got {value!r}"
    if not MIN_PROFICIENCY <= value <= MAX_PROFICIENCY:
        return f"the proficiency of {what} is {value}; expected a whole number from 1 to 100"
    return None


def _check_name(name: object, what: str, *, spaces: bool = True) -> None:
    # Snapshots build thousands of entries with the same few names: remember good ones.
    why = (
        _cached_name_problem(name, what, spaces)
        if isinstance(name, str)
        else name_problem(name, what, spaces=spaces)
    )
    if why is not None:
        raise InvalidEntry(why)


@functools.lru_cache(maxsize=8192)
def _cached_name_problem(name: str, what: str, spaces: bool) -> str | None:
    return name_problem(name, what, spaces=spaces)


def _frozen_skills(skills: Mapping[str, int], owner: str) -> Mapping[str, int]:
    for skill, proficiency in skills.items():
        _check_name(skill, "skill")
        why = proficiency_problem(proficiency, f"{skill!r} for {owner}")
        if why is not None:
            raise InvalidEntry(why)
    return MappingProxyType(dict(sorted(skills.items())))


@dataclass(frozen=True)
class PresenceStatus:
    """A presence status; only users in an ``available`` one are offered work from queues."""

    name: str
    available: bool = False

    def __post_init__(self) -> None:
        _check_name(self.name, "status")


DEFAULT_STATUSES = (
    PresenceStatus("Available", available=True),
    PresenceStatus("Away"),
    PresenceStatus("Do Not Disturb"),
    PresenceStatus("At Lunch"),
    PresenceStatus("Out of the Office"),
)


@dataclass(frozen=True)
class Skill:
    """An entry of the skills catalogue."""

    name: str
    description: str = ""

    def __post_init__(self) -> None:
        _check_name(self.name, "skill")


@dataclass(frozen=True)
class User:
    """A person who may receive work, monitor or design processes.

    Attributes:
        name: the login, unique.
        display_name: how people see the user (the login when not given).
        mailbox: the e-mail address, if any.
        licence: the user's one licence (cumulative).
        skills: proficiency (1-100) per skill name.
        roles: the names of the roles the user has.
        utilization: how many work items the user works on at once (at least 1).
        administrator: may change the directory and the server.
    """

    name: str
    display_name: str = ""
    mailbox: str | None = None
    licence: Licence = Licence.NONE
    skills: Mapping[str, int] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    utilization: int = 1
    administrator: bool = False

    def __post_init__(self) -> None:
        _check_name(self.name, "user", spaces=False)
        if not self.display_name:
            object.__setattr__(self, "display_name", self.name)
        object.__setattr__(self, "licence", Licence(self.licence))
        object.__setattr__(self, "skills", _frozen_skills(self.skills, f"user {self.name!r}"))
        object.__setattr__(self, "roles", frozenset(self.roles))
        if (
            isinstance(self.utilization, bool)
            or not isinstance(self.utilization, int)
            or not 1 <= self.utilization <= MAX_UTILIZATION
        ):
            raise InvalidEntry(
                f"the utilization of user {self.name!r} is {self.utilization!r}; expected a "
                f"whole number of work items at once from 1 to {MAX_UTILIZATION}"
            )

    def proficiency(self, skill: str) -> int:
        """The user's proficiency in ``skill``, 0 when the user does not have it."""
        return self.skills.get(skill, 0)


@dataclass(frozen=True)
class Workgroup:
    """A group of users with a queue of its own.

    Attributes:
        members: user names of the members (who receive work from the queue).
        supervisors: user names of the supervisors (who need not be members).
        skills: the minimum proficiency the workgroup requires for each of its skills.
        has_queue: whether work items can be sent to the workgroup.
        distribution: how the queue chooses among qualified members (see ``DISTRIBUTIONS``).
    """

    name: str
    members: frozenset[str] = frozenset()
    supervisors: frozenset[str] = frozenset()
    skills: Mapping[str, int] = field(default_factory=dict)
    has_queue: bool = True
    distribution: str = "best skill"

    def __post_init__(self) -> None:
        _check_name(self.name, "workgroup")
        object.__setattr__(self, "members", frozenset(self.members))
        object.__setattr__(self, "supervisors", frozenset(self.supervisors))
        object.__setattr__(self, "skills", _frozen_skills(self.skills, f"workgroup {self.name!r}"))
        if self.distribution not in DISTRIBUTIONS:
            hint = suggest(str(self.distribution), DISTRIBUTIONS)
            raise InvalidEntry(
                f"the distribution of workgroup {self.name!r} is {self.distribution!r}{hint}; "
                f"expected one of {', '.join(DISTRIBUTIONS)}"
            )


@dataclass(frozen=True)
class Role:
    """A named set of users (for rights and security specifications)."""

    name: str
    members: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _check_name(self.name, "role")
        object.__setattr__(self, "members", frozenset(self.members))


@dataclass(frozen=True)
class AgentState:
    """A user's presence right now: logged in or not, in which status, since when."""

    user: str
    logged_in: bool
    status: str
    since: dt.datetime


@dataclass(frozen=True)
class Directory:
    """An immutable snapshot of the whole directory, with the lookups routing needs.

    Build one with :meth:`of`, which also makes users' ``roles`` and the roles'
    ``members`` agree.
    """

    users: Mapping[str, User] = field(default_factory=dict)
    workgroups: Mapping[str, Workgroup] = field(default_factory=dict)
    roles: Mapping[str, Role] = field(default_factory=dict)
    skills: Mapping[str, Skill] = field(default_factory=dict)
    statuses: tuple[PresenceStatus, ...] = DEFAULT_STATUSES
    agents: Mapping[str, AgentState] = field(default_factory=dict)
    _groups_of: Mapping[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _status: Mapping[str, PresenceStatus] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        groups_of: dict[str, list[str]] = {}
        for group in sorted(self.workgroups):
            for member in self.workgroups[group].members:
                groups_of.setdefault(member, []).append(group)
        object.__setattr__(self, "_groups_of", {k: tuple(v) for k, v in groups_of.items()})
        object.__setattr__(self, "_status", {s.name: s for s in self.statuses})
        if not self.statuses:
            raise InvalidEntry("a directory needs at least one presence status")
        if len(self._status) != len(self.statuses):
            raise InvalidEntry("two presence statuses have the same name")
        if not any(s.available for s in self.statuses):
            raise InvalidEntry("no presence status is available; nobody could be offered work")

    @classmethod
    def of(
        cls,
        users: Iterable[User] = (),
        workgroups: Iterable[Workgroup] = (),
        roles: Iterable[Role] = (),
        skills: Iterable[Skill] = (),
        statuses: Iterable[PresenceStatus] = DEFAULT_STATUSES,
        agents: Iterable[AgentState] = (),
    ) -> Directory:
        """A snapshot of these entries; a role named by a user or a role lists, both know."""
        role_members: dict[str, set[str]] = {r.name: set(r.members) for r in roles}
        user_list = list(users)
        for user in user_list:
            for role in user.roles:
                role_members.setdefault(role, set()).add(user.name)
        roles_of: dict[str, set[str]] = {}
        for role, names in role_members.items():
            for name in names:
                roles_of.setdefault(name, set()).add(role)
        fixed = {}
        for user in user_list:
            have = frozenset(roles_of.get(user.name, ()))
            fixed[user.name] = user if user.roles == have else replace(user, roles=have)
        return cls(
            users=MappingProxyType(dict(sorted(fixed.items()))),
            workgroups=MappingProxyType({w.name: w for w in sorted(workgroups, key=_name)}),
            roles=MappingProxyType(
                {n: Role(n, frozenset(m)) for n, m in sorted(role_members.items())}
            ),
            skills=MappingProxyType({s.name: s for s in sorted(skills, key=_name)}),
            statuses=tuple(statuses),
            agents=MappingProxyType({a.user: a for a in agents}),
        )

    # Lookups -------------------------------------------------------------------------

    def user(self, name: str) -> User:
        """The user called ``name``.

        Raises:
            NotFound: no such user (the message suggests a close name).
        """
        found = self.users.get(name)
        if found is None:
            raise NotFound("user", name, f"no user named {name!r}{suggest(name, self.users)}")
        return found

    def workgroup(self, name: str) -> Workgroup:
        """The workgroup called ``name``; raises :class:`NotFound` otherwise."""
        found = self.workgroups.get(name)
        if found is None:
            hint = suggest(name, self.workgroups)
            raise NotFound("workgroup", name, f"no workgroup named {name!r}{hint}")
        return found

    def role(self, name: str) -> Role:
        """The role called ``name``; raises :class:`NotFound` otherwise."""
        found = self.roles.get(name)
        if found is None:
            raise NotFound("role", name, f"no role named {name!r}{suggest(name, self.roles)}")
        return found

    def skill(self, name: str) -> Skill:
        """The catalogue entry of skill ``name``; raises :class:`NotFound` otherwise."""
        found = self.skills.get(name)
        if found is None:
            raise NotFound("skill", name, f"no skill named {name!r}{suggest(name, self.skills)}")
        return found

    def status(self, name: str) -> PresenceStatus:
        """The presence status called ``name``.

        Raises:
            NotFound: no such status; the message lists the statuses there are.
        """
        found = self._status.get(name)
        if found is None:
            listing = ", ".join(s.name for s in self.statuses)
            raise NotFound(
                "status",
                name,
                f"no status named {name!r}{suggest(name, self._status)}; "
                f"the statuses are {listing}",
            )
        return found

    def workgroups_of(self, user: str) -> tuple[Workgroup, ...]:
        """The workgroups ``user`` is a member of, by name."""
        self.user(user)
        return tuple(self.workgroups[g] for g in self._groups_of.get(user, ()))

    def supervised_by(self, user: str) -> tuple[Workgroup, ...]:
        """The workgroups ``user`` supervises, by name."""
        self.user(user)
        return tuple(w for w in self.workgroups.values() if user in w.supervisors)

    def roles_of(self, user: str) -> frozenset[str]:
        """The names of the roles ``user`` has."""
        return self.user(user).roles

    def members(self, workgroup: str) -> tuple[User, ...]:
        """The members of ``workgroup``, by name."""
        return tuple(self.users[m] for m in sorted(self.workgroup(workgroup).members))

    def licensed_members(
        self, workgroup: str, licence: Licence = Licence.GROUP
    ) -> tuple[User, ...]:
        """The members of ``workgroup`` whose licence includes ``licence``."""
        return tuple(u for u in self.members(workgroup) if u.licence >= licence)

    def state(self, user: str) -> AgentState | None:
        """The presence of ``user``, or None when the user never logged in."""
        self.user(user)
        return self.agents.get(user)

    def is_available(self, user: str) -> bool:
        """Whether ``user`` is logged in and in a status marked available."""
        state = self.state(user)
        if state is None or not state.logged_in:
            return False
        status = self._status.get(state.status)
        return status is not None and status.available

    def available_members(self, workgroup: str) -> tuple[User, ...]:
        """The members of ``workgroup`` a queue may offer work to now: group licence, available."""
        return tuple(
            u for u in self.licensed_members(workgroup, Licence.GROUP) if self.is_available(u.name)
        )

    @property
    def default_status(self) -> PresenceStatus:
        """The status a login starts in: the first available one."""
        return next(s for s in self.statuses if s.available)


def _name(entry: Workgroup | Skill) -> str:
    return entry.name
