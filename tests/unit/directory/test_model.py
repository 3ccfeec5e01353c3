"""The directory snapshot: licences, lookups, availability, and entries that check themselves."""

from __future__ import annotations

import datetime as dt

import pytest

from openpas.directory import (
    AgentState,
    Directory,
    InvalidEntry,
    Licence,
    NotFound,
    PresenceStatus,
    Role,
    Skill,
    User,
    Workgroup,
)

T0 = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)


def directory(*agents: AgentState) -> Directory:
    return Directory.of(
        users=[
            User("ann", "Ann Lee", "ann@example.com", Licence.GROUP, {"Lending": 80}),
            User("bob", licence=Licence.DIRECT, skills={"Lending": 40}),
            User("carol", licence=Licence.MONITOR, roles=frozenset({"Managers"})),
            User("nobody"),
        ],
        workgroups=[
            Workgroup(
                "Loan Officers",
                members=frozenset({"ann", "bob", "nobody"}),
                supervisors=frozenset({"carol"}),
                skills={"Lending": 30},
            ),
            Workgroup("Audit", members=frozenset({"ann"})),
        ],
        roles=[Role("Auditors", frozenset({"bob"}))],
        skills=[Skill("Lending", "Consumer lending")],
        agents=agents,
    )


def test_licences_are_cumulative() -> None:
    assert Licence.DESIGNER >= Licence.MONITOR >= Licence.GROUP >= Licence.DIRECT > Licence.NONE
    assert [licence.label for licence in Licence] == [
        "none",
        "direct",
        "group",
        "monitor",
        "designer",
    ]
    assert Licence.parse("Group") is Licence.GROUP


def test_an_unknown_licence_suggests_the_closest() -> None:
    with pytest.raises(InvalidEntry, match=r"'grop' is not a licence \(did you mean 'group'\?\)"):
        Licence.parse("grop")


def test_lookups() -> None:
    found = directory()
    assert found.user("ann").display_name == "Ann Lee"
    assert found.user("bob").display_name == "bob"  # the login when no name is given
    assert [w.name for w in found.workgroups_of("ann")] == ["Audit", "Loan Officers"]
    assert found.workgroups_of("carol") == ()
    assert [w.name for w in found.supervised_by("carol")] == ["Loan Officers"]
    assert [u.name for u in found.members("Loan Officers")] == ["ann", "bob", "nobody"]
    assert found.workgroup("Loan Officers").skills == {"Lending": 30}
    assert found.skill("Lending").description == "Consumer lending"
    assert found.user("ann").proficiency("Lending") == 80
    assert found.user("ann").proficiency("Spanish") == 0


def test_roles_named_by_users_and_by_roles_agree() -> None:
    found = directory()
    assert found.roles_of("carol") == {"Managers"}
    assert found.roles_of("bob") == {"Auditors"}
    assert found.role("Managers").members == {"carol"}
    assert found.role("Auditors").members == {"bob"}


def test_licensed_members_include_higher_licences() -> None:
    found = directory()
    assert [u.name for u in found.licensed_members("Loan Officers")] == ["ann"]
    direct = found.licensed_members("Loan Officers", Licence.DIRECT)
    assert [u.name for u in direct] == ["ann", "bob"]


@pytest.mark.parametrize(
    ("state", "available"),
    [
        (None, False),
        (AgentState("ann", True, "Available", T0), True),
        (AgentState("ann", False, "Available", T0), False),
        (AgentState("ann", True, "At Lunch", T0), False),
        (AgentState("ann", True, "Gone Status", T0), False),
    ],
)
def test_available_means_logged_in_and_in_an_available_status(
    state: AgentState | None, available: bool
) -> None:
    found = directory(*([state] if state else []))
    assert found.is_available("ann") is available
    assert [u.name for u in found.available_members("Loan Officers")] == (
        ["ann"] if available else []
    )


def test_a_configured_available_status_counts() -> None:
    statuses = (PresenceStatus("Ready", available=True), PresenceStatus("Busy"))
    found = Directory.of(
        [User("ann", licence=Licence.GROUP)],
        statuses=statuses,
        agents=[AgentState("ann", True, "Ready", T0)],
    )
    assert found.is_available("ann")
    assert found.default_status.name == "Ready"


def test_the_default_statuses() -> None:
    found = Directory()
    assert [(s.name, s.available) for s in found.statuses] == [
        ("Available", True),
        ("Away", False),
        ("Do Not Disturb", False),
        ("At Lunch", False),
        ("Out of the Office", False),
    ]


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        (lambda d: d.user("anne"), "no user named 'anne' (did you mean 'ann'?)"),
        (lambda d: d.workgroup("Loan Oficers"), "did you mean 'Loan Officers'?"),
        (lambda d: d.skill("Lendng"), "did you mean 'Lending'?"),
        (lambda d: d.role("Manager"), "did you mean 'Managers'?"),
        (lambda d: d.workgroups_of("zed"), "no user named 'zed'"),
        (lambda d: d.members("Nope"), "no workgroup named 'Nope'"),
        (lambda d: d.is_available("zed"), "no user named 'zed'"),
    ],
)
def test_a_missing_name_is_not_found_with_a_suggestion(lookup: object, message: str) -> None:
    with pytest.raises(NotFound) as caught:
        lookup(directory())  # type: ignore[operator]
    assert message in str(caught.value)


def test_an_unknown_status_lists_the_statuses() -> None:
    with pytest.raises(NotFound) as caught:
        directory().status("Lunch")
    assert caught.value.kind == "status"
    assert str(caught.value).endswith(
        "the statuses are Available, Away, Do Not Disturb, At Lunch, Out of the Office"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: User("ann lee"), "contains a space"),
        (lambda: User(""), "must be text"),
        (lambda: User("ann", skills={"Lending": 0}), "is 0; expected a whole number from 1 to 100"),
        (lambda: User("ann", skills={"Lending": 101}), "is 101"),
        (lambda: User("ann", utilization=0), "utilization of user 'ann' is 0"),
        (lambda: Workgroup("Loans", distribution="random"), "expected one of best skill"),
        (lambda: Workgroup(" Loans"), "leading, trailing or double spaces"),
        (lambda: Workgroup("Loans", skills={"Lending": 200}), "workgroup 'Loans' is 200"),
        (lambda: Directory(statuses=()), "at least one presence status"),
        (lambda: Directory(statuses=(PresenceStatus("Away"),)), "no presence status is available"),
    ],
)
def test_entries_check_their_values(build: object, message: str) -> None:
    with pytest.raises(InvalidEntry, match=message):
        build()  # type: ignore[operator]
