"""Who is asking: a signed-in user with the licence, workgroups and roles they hold."""

from __future__ import annotations

from dataclasses import dataclass

from openpas.directory.model import Directory, Licence


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user (after authentication), with what they hold.

    Attributes:
        user: the user's login.
        licence: the user's one licence (cumulative).
        administrator: may change the directory, rights and the server, and do everything.
        workgroups: the names of the workgroups the user is a member of.
        roles: the names of the roles the user has.
    """

    user: str
    licence: Licence
    administrator: bool
    workgroups: frozenset[str]
    roles: frozenset[str]


def principal_of(directory: Directory, user: str) -> Principal:
    """The principal of ``user`` as the directory snapshot knows them now.

    Raises:
        NotFound: no user called ``user`` (the message suggests a close name).
    """
    entry = directory.user(user)
    return Principal(
        user=entry.name,
        licence=entry.licence,
        administrator=entry.administrator,
        workgroups=frozenset(w.name for w in directory.workgroups_of(entry.name)),
        roles=frozenset(entry.roles),
    )
