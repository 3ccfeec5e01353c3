"""Process-level rights and licence gates, as pure rules over a snapshot of grants."""

from __future__ import annotations

import datetime as dt

import pytest

from openpas.directory.model import Directory, Licence, User, Workgroup
from openpas.security.principal import Principal, principal_of
from openpas.security.rights import (
    InvalidName,
    NotAllowed,
    Right,
    Rights,
    parse_kind,
    parse_right,
    require_administrator,
    require_designer,
    require_monitor,
)
from openpas.store.records import FlowRecord
from openpas.store.security_rights import GrantRecord

T0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def who(
    user: str = "ann",
    licence: Licence = Licence.DIRECT,
    *,
    administrator: bool = False,
    workgroups: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
) -> Principal:
    return Principal(user, licence, administrator, frozenset(workgroups), frozenset(roles))


def grant(kind: str, subject: str, right: str, process: str = "Car Loan") -> GrantRecord:
    return GrantRecord(kind, subject, right, process, "admin", T0)


def flow(process: str = "Car Loan", originator: str = "zed") -> FlowRecord:
    return FlowRecord(
        id=7, uid="u", version_id=1, process_name=process, version=1, owner="o",
        status="running", runnable=False, launch_mode="production", originator=originator,
        details="", state="A", wait_kind=None, wait_key=None, error=None, parent_id=None,
        parent_key=None, depth=0, revision=1, created_at=T0, updated_at=T0, ended_at=None,
    )  # fmt: skip


def test_principal_of_reads_licence_workgroups_roles_and_administrator() -> None:
    directory = Directory.of(
        [User("ann", licence=Licence.GROUP, roles=frozenset({"Auditors"}), administrator=True)],
        [Workgroup("Loan Officers", members=frozenset({"ann"}))],
    )
    assert principal_of(directory, "ann") == Principal(
        "ann", Licence.GROUP, True, frozenset({"Loan Officers"}), frozenset({"Auditors"})
    )


@pytest.mark.parametrize(
    ("granted", "principal"),
    [
        (grant("user", "ann", "launch"), who()),
        (grant("workgroup", "Loan Officers", "launch"), who(workgroups=("Loan Officers",))),
        (grant("role", "Clerks", "launch"), who(roles=("Clerks",))),
        (grant("user", "ann", "launch", "*"), who()),
    ],
)
def test_launch_through_a_user_workgroup_role_or_every_process_grant(
    granted: GrantRecord, principal: Principal
) -> None:
    rights = Rights.of([granted])
    assert rights.can_launch(principal, "Car Loan")
    assert rights.can_launch(principal, "Other") is (granted.process == "*")


def test_a_grant_to_someone_else_or_another_right_gives_nothing() -> None:
    rights = Rights.of(
        [grant("user", "bob", "launch"), grant("user", "ann", "view"), grant("role", "X", "launch")]
    )
    assert not rights.can_launch(who(), "Car Loan")
    with pytest.raises(NotAllowed, match=r"ann may not launch the process 'Car Loan'"):
        rights.require_launch(who(), "Car Loan")


def test_launch_needs_a_licence_even_with_the_right() -> None:
    rights = Rights.of([grant("user", "ann", "launch")])
    with pytest.raises(NotAllowed, match="has the none licence; at least direct"):
        rights.require_launch(who(licence=Licence.NONE), "Car Loan")


def test_only_designers_launch_tests_and_they_need_no_grant() -> None:
    rights = Rights.of([grant("user", "bob", "launch")])
    assert rights.can_launch(who(licence=Licence.DESIGNER), "Car Loan", "test")
    assert not rights.can_launch(who(licence=Licence.DESIGNER), "Car Loan", "production")
    assert not rights.can_launch(who(licence=Licence.MONITOR), "Car Loan", "test")
    with pytest.raises(NotAllowed, match="test launches need the designer licence"):
        Rights.of([grant("user", "ann", "launch")]).require_launch(
            who(licence=Licence.MONITOR), "Car Loan", "test"
        )


def test_administrators_may_do_everything_without_grants_or_licence() -> None:
    admin = who("root", Licence.NONE, administrator=True)
    rights = Rights()
    assert rights.can_launch(admin, "Car Loan", "test")
    assert rights.can_view_flow(admin, flow())
    assert rights.can_manage(admin, "Car Loan")
    assert rights.viewable_processes(admin) is None
    require_designer(admin)
    require_monitor(admin)
    require_administrator(admin, "grant rights")


def test_the_originator_views_its_own_flow_only() -> None:
    rights = Rights()
    assert rights.can_view_flow(who(), flow(originator="ann"))
    assert not rights.can_view_flow(who(), flow(originator="bob"))
    with pytest.raises(NotAllowed, match=r"ann may not view flow #7: .*'Car Loan'"):
        rights.require_view(who(), flow(originator="bob"))


@pytest.mark.parametrize("right", ["view", "manage"])
def test_view_or_manage_sees_every_flow_of_the_process(right: str) -> None:
    rights = Rights.of([grant("role", "Auditors", right)])
    auditor = who(roles=("Auditors",))
    assert rights.can_view_flow(auditor, flow())
    assert not rights.can_view_flow(auditor, flow(process="Other"))
    assert rights.viewable_processes(auditor) == frozenset({"Car Loan"})


def test_managing_needs_the_right_and_the_monitor_licence() -> None:
    rights = Rights.of([grant("user", "ann", "manage")])
    assert not rights.can_manage(who(licence=Licence.GROUP), "Car Loan")
    assert rights.can_manage(who(licence=Licence.MONITOR), "Car Loan")
    assert not rights.can_manage(who(licence=Licence.DESIGNER), "Other")
    with pytest.raises(NotAllowed, match="Manage right on it and the monitor licence"):
        rights.require_manage(who(licence=Licence.GROUP), "Car Loan")


def test_licence_gates_name_the_user_and_what_is_needed() -> None:
    with pytest.raises(NotAllowed, match=r"ann may not use the process monitor: .*monitor") as c:
        require_monitor(who(licence=Licence.GROUP))
    assert (c.value.user, c.value.right) == ("ann", "licence monitor")
    require_monitor(who(licence=Licence.MONITOR))
    with pytest.raises(NotAllowed, match="needs the designer licence, and ann has monitor"):
        require_designer(who(licence=Licence.MONITOR))
    with pytest.raises(NotAllowed, match="only administrators may"):
        require_administrator(who(licence=Licence.DESIGNER), "grant rights")


def test_right_and_kind_names_are_checked_with_a_suggestion() -> None:
    assert parse_right("view") is Right.VIEW
    with pytest.raises(InvalidName, match=r"'lanch' is not a right \(did you mean 'launch'"):
        parse_right("lanch")
    with pytest.raises(InvalidName, match="expected one of user, workgroup, role"):
        parse_kind("group")
