"""The directory file: users, workgroups, roles, skills and statuses in one YAML document.

::

    statuses: [{name: Available, available: true}, {name: Away}]   # optional
    skills: {Lending: "Consumer lending"}
    users:
      ann: {name: Ann Lee, mailbox: ann@example.com, licence: group, skills: {Lending: 80}}
    workgroups:
      Loan Officers: {members: [ann], supervisors: [carol], skills: {Lending: 30}}
    roles:
      Managers: [carol]

The whole file is checked before anything is used, and every problem is
reported at once with its path and line, in one :class:`DirectoryError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path as FilePath
from typing import Any

from openpas.directory.errors import DirectoryError, InvalidEntry
from openpas.directory.model import (
    DEFAULT_STATUSES,
    DISTRIBUTIONS,
    MAX_UTILIZATION,
    Directory,
    Licence,
    PresenceStatus,
    Role,
    Skill,
    User,
    Workgroup,
    name_problem,
    proficiency_problem,
)
from openpas.errors import Problem
from openpas.model.naming import suggest
from openpas.model.source import Path, Source, SourceError, parse

SECTIONS = ("statuses", "skills", "users", "workgroups", "roles", "specifications")
"""``specifications`` is read by :mod:`openpas.security.specifications`, not here."""
USER_KEYS = ("name", "mailbox", "licence", "skills", "roles", "utilization", "administrator")
WORKGROUP_KEYS = ("members", "supervisors", "skills", "queue", "distribution")
STATUS_KEYS = ("name", "available")


def load_file(path: str | FilePath, base: Directory | None = None) -> Directory:
    """Read and check a directory file.

    Args:
        path: the YAML (or JSON) file.
        base: when given, the file is merged over it: its entries replace those
            of the same name, and its names may refer to the base's entries.

    Raises:
        DirectoryError: the file cannot be read or has problems; each has a path and line.
    """
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DirectoryError(
            [Problem("", "the file does not exist", code="file")], str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = f"the file cannot be read: {reason}"
        raise DirectoryError([Problem("", message, code="file")], str(path)) from None
    return load_text(text, str(path), base)


def load_text(text: str, name: str | None = None, base: Directory | None = None) -> Directory:
    """Check a directory document and return it as a :class:`Directory` (see :func:`load_file`).

    Raises:
        DirectoryError: every problem of the document.
    """
    try:
        source = parse(text, name)
    except SourceError as exc:
        raise DirectoryError(exc.problems, name) from None
    reader = _Reader(source, base)
    directory = reader.read()
    if reader.problems or directory is None:
        raise DirectoryError(reader.problems, name)
    return directory


def _display(path: Path) -> str:
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else str(segment)
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else str(value)


class _Reader:
    """Reads one document, collecting problems instead of stopping at the first."""

    def __init__(self, source: Source, base: Directory | None) -> None:
        self.source = source
        self.base = base
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str, code: str) -> None:
        line, column = self.source.position(path)
        self.problems.append(Problem(_display(path), message, line, column, code))

    def read(self) -> Directory | None:
        data = self.source.data
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.problem((), f"a directory file is a mapping of {', '.join(SECTIONS)}", "type")
            return None
        self.keys(data, (), SECTIONS, "section")
        base = self.base
        statuses = self.statuses(data.get("statuses"))
        skills = self.skills(data.get("skills"))
        written_skills = data.get("skills")
        known_skills = (
            set(skills)
            | set(written_skills if isinstance(written_skills, dict) else ())
            | (set(base.skills) if base else set())
        )
        raw_roles = self.mapping(data.get("roles"), ("roles",))
        known_roles = set(raw_roles) | (set(base.roles) if base else set())
        users = self.users(data.get("users"), known_skills, known_roles)
        # A user whose entry has problems still exists: its memberships are no more problems.
        written = data.get("users")
        known_users = set(written if isinstance(written, dict) else ()) | (
            set(base.users) if base else set()
        )
        workgroups = self.workgroups(data.get("workgroups"), known_users, known_skills)
        roles = self.roles(raw_roles, known_users)
        if self.problems:
            return None
        if base is not None:
            # An entry of the file replaces the stored entry of its name; the rest stay.
            skills = {**base.skills, **skills}
            workgroups = {**base.workgroups, **workgroups}
            given = set(roles)
            kept = {
                name: replace(user, roles=user.roles - given)
                for name, user in base.users.items()
                if name not in users
            }
            users = {**kept, **users}
            roles = {
                **{
                    name: Role(name, role.members & kept.keys())
                    for name, role in base.roles.items()
                    if name not in given
                },
                **roles,
            }
            if "statuses" not in data:
                statuses = list(base.statuses)
        return Directory.of(
            users.values(), workgroups.values(), roles.values(), skills.values(), statuses
        )

    # Shapes ---------------------------------------------------------------------------

    def keys(self, data: dict[str, Any], path: Path, allowed: Iterable[str], what: str) -> None:
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                self.problem(
                    (*path, key),
                    f"{key!r} is not a {what} key{suggest(key, allowed)}; "
                    f"expected {', '.join(allowed)}",
                    "unknown-key",
                )

    def mapping(self, value: Any, path: Path) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"{_display(path)} must be a mapping, got {_kind(value)}", "type")
            return {}
        return value

    def names(self, value: Any, path: Path, what: str) -> list[tuple[Path, str]]:
        """A list of names (a single name is a list of one), each with its path."""
        if value is None:
            return []
        if isinstance(value, str):
            return [(path, value)]
        if not isinstance(value, list):
            self.problem(path, f"{_display(path)} must be a list of {what}s", "type")
            return []
        found: list[tuple[Path, str]] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            at = (*path, index)
            if not isinstance(item, str):
                self.problem(at, f"a {what} name must be text, got {_kind(item)}", "type")
            elif item in seen:
                self.problem(at, f"the {what} {item!r} is listed twice", "duplicate")
            else:
                seen.add(item)
                found.append((at, item))
        return found

    def name(self, name: object, path: Path, what: str, *, spaces: bool = True) -> bool:
        why = name_problem(name, what, spaces=spaces)
        if why is not None:
            self.problem(path, why, "name")
        return why is None

    def refer(
        self, items: list[tuple[Path, str]], known: set[str], what: str, where: str
    ) -> frozenset[str]:
        """The names of ``items`` that exist; a problem for each that does not."""
        good = set()
        for at, item in items:
            if item in known:
                good.add(item)
            else:
                self.problem(
                    at,
                    f"there is no {what} {item!r}{suggest(item, known)}{where}",
                    f"unknown-{what}",
                )
        return frozenset(good)

    def proficiencies(self, value: Any, path: Path, known: set[str], owner: str) -> dict[str, int]:
        found: dict[str, int] = {}
        for skill, proficiency in self.mapping(value, path).items():
            at = (*path, skill)
            if skill not in known:
                self.problem(
                    at,
                    f"there is no skill {skill!r}{suggest(skill, known)}; "
                    "declare it under 'skills' first",
                    "unknown-skill",
                )
                continue
            why = proficiency_problem(proficiency, f"{skill!r} for {owner}")
            if why is not None:
                self.problem(at, why, "proficiency")
                continue
            found[skill] = proficiency
        return found

    # Sections -------------------------------------------------------------------------

    def statuses(self, value: Any) -> list[PresenceStatus]:
        if value is None:
            return list(DEFAULT_STATUSES)
        path: Path = ("statuses",)
        if not isinstance(value, list) or not value:
            self.problem(path, "statuses must be a list of {name, available} entries", "type")
            return list(DEFAULT_STATUSES)
        found: list[PresenceStatus] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            at = (*path, index)
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict):
                self.problem(at, f"a status is {{name, available}}, got {_kind(item)}", "type")
                continue
            self.keys(item, at, STATUS_KEYS, "status")
            name = item.get("name")
            available = item.get("available", False)
            if not isinstance(available, bool):
                self.problem(
                    (*at, "available"),
                    f"available is true or false, got {_kind(available)}",
                    "type",
                )
                continue
            if not self.name(name, (*at, "name"), "status") or not isinstance(name, str):
                continue
            if name in seen:
                self.problem((*at, "name"), f"the status {name!r} is listed twice", "duplicate")
                continue
            seen.add(name)
            found.append(PresenceStatus(name, available))
        if found and not any(s.available for s in found) and len(found) == len(value):
            self.problem(
                path, "no status is available: nobody could be offered work from a queue", "status"
            )
        return found or list(DEFAULT_STATUSES)

    def skills(self, value: Any) -> dict[str, Skill]:
        path: Path = ("skills",)
        if isinstance(value, list):  # a plain list of names, without descriptions
            value = {item: None for _, item in self.names(value, path, "skill")}
        found: dict[str, Skill] = {}
        for name, description in self.mapping(value, path).items():
            at = (*path, name)
            if not self.name(name, at, "skill"):
                continue
            if description is not None and not isinstance(description, str):
                self.problem(at, f"a skill's description is text, got {_kind(description)}", "type")
                continue
            found[name] = Skill(name, description or "")
        return found

    def users(self, value: Any, skills: set[str], roles: set[str]) -> dict[str, User]:
        found: dict[str, User] = {}
        for login, entry in self.mapping(value, ("users",)).items():
            at: Path = ("users", login)
            entry = self.mapping(entry, at)
            if not self.name(login, at, "user", spaces=False):
                continue
            user = self.user(login, entry, at, skills, roles)
            if user is not None:
                found[login] = user
        return found

    def user(
        self, login: str, entry: dict[str, Any], at: Path, skills: set[str], roles: set[str]
    ) -> User | None:
        count = len(self.problems)
        self.keys(entry, at, USER_KEYS, "user")
        display = self.text(entry, at, "name", login)
        mailbox = self.text(entry, at, "mailbox", None)
        if mailbox is not None and ("@" not in mailbox or " " in mailbox.strip()):
            self.problem(
                (*at, "mailbox"),
                f"the mailbox {mailbox!r} is not an e-mail address (expected name@domain)",
                "mailbox",
            )
        licence = Licence.NONE
        if "licence" in entry:
            try:
                licence = Licence.parse(entry["licence"])
            except InvalidEntry as exc:
                self.problem((*at, "licence"), exc.message, "licence")
        proficiencies = self.proficiencies(
            entry.get("skills"), (*at, "skills"), skills, f"user {login!r}"
        )
        role_names = self.refer(
            self.names(entry.get("roles"), (*at, "roles"), "role"),
            roles,
            "role",
            "; declare it under 'roles'",
        )
        utilization = entry.get("utilization", 1)
        if (
            isinstance(utilization, bool)
            or not isinstance(utilization, int)
            or not 1 <= utilization <= MAX_UTILIZATION
        ):
            self.problem(
                (*at, "utilization"),
                f"the utilization of user {login!r} is {_kind(utilization)}; expected a whole "
                f"number of work items at once from 1 to {MAX_UTILIZATION}",
                "utilization",
            )
        administrator = self.flag(entry, at, "administrator", False)
        if len(self.problems) > count:
            return None
        return User(
            login,
            display or login,
            mailbox,
            licence,
            proficiencies,
            role_names,
            utilization,
            administrator,
        )

    def workgroups(self, value: Any, users: set[str], skills: set[str]) -> dict[str, Workgroup]:
        found: dict[str, Workgroup] = {}
        for name, entry in self.mapping(value, ("workgroups",)).items():
            at: Path = ("workgroups", name)
            entry = self.mapping(entry, at)
            if not self.name(name, at, "workgroup"):
                continue
            count = len(self.problems)
            self.keys(entry, at, WORKGROUP_KEYS, "workgroup")
            where = "; add the user under 'users'"
            members = self.refer(
                self.names(entry.get("members"), (*at, "members"), "user"), users, "user", where
            )
            supervisors = self.refer(
                self.names(entry.get("supervisors"), (*at, "supervisors"), "user"),
                users,
                "user",
                where,
            )
            required = self.proficiencies(
                entry.get("skills"), (*at, "skills"), skills, f"workgroup {name!r}"
            )
            queue = self.flag(entry, at, "queue", True)
            distribution = entry.get("distribution", "best skill")
            if distribution not in DISTRIBUTIONS:
                hint = suggest(distribution, DISTRIBUTIONS) if isinstance(distribution, str) else ""
                self.problem(
                    (*at, "distribution"),
                    f"{_kind(distribution)} is not a distribution{hint}; "
                    f"expected one of {', '.join(DISTRIBUTIONS)}",
                    "distribution",
                )
            if len(self.problems) == count:
                found[name] = Workgroup(name, members, supervisors, required, queue, distribution)
        return found

    def roles(self, value: dict[str, Any], users: set[str]) -> dict[str, Role]:
        found: dict[str, Role] = {}
        for name, entry in value.items():
            at: Path = ("roles", name)
            if not self.name(name, at, "role"):
                continue
            items = self.names(entry, at, "user")
            found[name] = Role(
                name, self.refer(items, users, "user", "; add the user under 'users'")
            )
        return found

    # Scalars --------------------------------------------------------------------------

    def text(self, entry: dict[str, Any], at: Path, key: str, default: str | None) -> str | None:
        value = entry.get(key, default)
        if value is None or isinstance(value, str):
            return value
        self.problem((*at, key), f"{key} is text, got {_kind(value)}", "type")
        return default

    def flag(self, entry: dict[str, Any], at: Path, key: str, default: bool) -> bool:
        value = entry.get(key, default)
        if isinstance(value, bool):
            return value
        self.problem((*at, key), f"{key} is true or false, got {_kind(value)}", "type")
        return default
