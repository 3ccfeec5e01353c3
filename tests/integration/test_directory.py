"""The stored directory on SQLite and PostgreSQL: import, every change and its event, snapshots."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade, upgrade
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from openpas.directory import (
    DirectoryError,
    InvalidEntry,
    Licence,
    NotFound,
    NotLicensed,
    User,
    Workgroup,
    service,
)
from openpas.directory.file import load_file
from openpas.events import Bus, Event
from openpas.service.context import Context
from openpas.store import metadata
from openpas.store import schema_directory as tables
from openpas.store.database import _alembic_config, migrate

from .conftest import Backend, Clock

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "directory.yaml"


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
def events(bus: Bus) -> list[Event]:
    seen: list[Event] = []
    bus.subscribe(seen.append)
    return seen


@pytest.fixture
def loaded(ctx: Context, bus: Bus, events: list[Event]) -> Context:
    """The context with the example directory imported (and its event forgotten)."""
    service.import_file(ctx, bus, EXAMPLE)
    events.clear()
    return ctx


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_import_stores_the_file_and_the_snapshot_round_trips(
    ctx: Context, bus: Bus, events: list[Event]
) -> None:
    imported = service.import_file(ctx, bus, EXAMPLE)
    assert imported == load_file(EXAMPLE)
    assert service.snapshot(ctx) == imported
    assert [(e.topic, e.kind, e.data["users"]) for e in events] == [("directory", "imported", 7)]


def test_importing_the_same_file_again_changes_nothing(
    loaded: Context, bus: Bus, events: list[Event]
) -> None:
    before = service.snapshot(loaded)
    service.import_file(loaded, bus, EXAMPLE)
    assert service.snapshot(loaded) == before
    assert events == []


def test_import_replaces_and_agents_who_remain_keep_their_presence(
    loaded: Context, bus: Bus, tmp_path: Path
) -> None:
    service.login(loaded, bus, "ann")
    service.login(loaded, bus, "bob", "At Lunch")
    path = write(
        tmp_path,
        """\
        statuses: [{name: Ready, available: true}, {name: Away}]
        skills: {Lending: x}
        users:
          ann: {licence: group, skills: {Lending: 10}}
        workgroups:
          Loans: {members: [ann]}
        """,
    )
    found = service.import_file(loaded, bus, path)
    assert list(found.users) == ["ann"]
    assert list(found.workgroups) == ["Loans"]
    assert list(found.skills) == ["Lending"]
    assert found.user("ann").skills == {"Lending": 10}
    state = found.state("ann")
    # 'Available' is gone: ann is put in the first status that is not available.
    assert state is not None and (state.logged_in, state.status) == (True, "Away")
    assert not found.is_available("ann")
    assert "bob" not in found.agents


def test_import_merge_keeps_what_the_file_does_not_mention(
    loaded: Context, bus: Bus, tmp_path: Path
) -> None:
    path = write(tmp_path, "users:\n  zoe: {licence: group, skills: {Lending: 70}}\n")
    found = service.import_file(loaded, bus, path, merge=True)
    assert set(found.users) == {"admin", "ann", "bob", "carol", "dan", "mona", "olivia", "zoe"}
    assert found.workgroup("Loan Officers").members == {"ann", "bob", "dan"}


def test_a_bad_file_changes_nothing(loaded: Context, bus: Bus, tmp_path: Path) -> None:
    before = service.snapshot(loaded)
    path = write(tmp_path, "users:\n  ann: {licence: boss}\n")
    with pytest.raises(DirectoryError) as caught:
        service.import_file(loaded, bus, path)
    assert caught.value.problems[0].line == 2
    assert service.snapshot(loaded) == before


def test_login_presence_and_logout(
    loaded: Context, bus: Bus, events: list[Event], clock: Clock
) -> None:
    state = service.login(loaded, bus, "ann")
    assert (state.logged_in, state.status, state.since) == (True, "Available", clock.now)
    assert service.snapshot(loaded).is_available("ann")
    clock.advance(minutes=5)
    state = service.set_presence(loaded, bus, "ann", "At Lunch")
    assert (state.status, state.since) == ("At Lunch", clock.now)
    assert not service.snapshot(loaded).is_available("ann")
    service.set_presence(loaded, bus, "ann", "At Lunch")  # no change, no event
    logged_out = service.logout(loaded, bus, "ann")
    assert logged_out is not None and not logged_out.logged_in
    assert service.logout(loaded, bus, "ann") == logged_out
    assert [(e.topic, e.kind, e.data["user"], e.audience) for e in events] == [
        ("agent", "logged in", "ann", {"ann"}),
        ("agent", "status changed", "ann", {"ann"}),
        ("agent", "logged out", "ann", {"ann"}),
    ]
    assert events[1].data["status"] == "At Lunch"


def test_login_in_a_chosen_status(loaded: Context, bus: Bus) -> None:
    state = service.login(loaded, bus, "olivia", "Do Not Disturb")
    assert state.status == "Do Not Disturb"


def test_presence_mistakes_are_clear(loaded: Context, bus: Bus, events: list[Event]) -> None:
    service.set_licence(loaded, bus, "olivia", "none")
    with pytest.raises(NotLicensed, match="'olivia' has the licence 'none'; logging in"):
        service.login(loaded, bus, "olivia")
    with pytest.raises(NotFound, match=r"no user named 'anne' \(did you mean 'ann'\?\)"):
        service.login(loaded, bus, "anne")
    with pytest.raises(InvalidEntry, match="'ann' is not logged in"):
        service.set_presence(loaded, bus, "ann", "Away")
    service.login(loaded, bus, "ann")
    with pytest.raises(NotFound, match="the statuses are Available, Away, Do Not Disturb"):
        service.set_presence(loaded, bus, "ann", "Lunch")
    assert service.snapshot(loaded).state("olivia") is None


def test_licence_changes(loaded: Context, bus: Bus, events: list[Event]) -> None:
    user = service.set_licence(loaded, bus, "dan", "designer")
    assert user.licence is Licence.DESIGNER
    assert service.snapshot(loaded).user("dan").licence is Licence.DESIGNER
    assert (events[-1].topic, events[-1].kind, events[-1].data) == (
        "agent",
        "licence changed",
        {"user": "dan", "licence": "designer"},
    )
    with pytest.raises(InvalidEntry, match="did you mean 'group'"):
        service.set_licence(loaded, bus, "dan", "grup")


def test_skill_changes(loaded: Context, bus: Bus, events: list[Event]) -> None:
    service.set_skill(loaded, bus, "dan", "Spanish", 55)
    service.set_skill(loaded, bus, "dan", "Lending", 35)
    assert service.snapshot(loaded).user("dan").skills == {"Lending": 35, "Spanish": 55}
    service.remove_skill(loaded, bus, "dan", "Spanish")
    assert service.snapshot(loaded).user("dan").skills == {"Lending": 35}
    assert [(e.topic, e.kind, e.data["skill"]) for e in events] == [
        ("agent", "skills changed", "Spanish"),
        ("agent", "skills changed", "Lending"),
        ("agent", "skills changed", "Spanish"),
    ]
    with pytest.raises(InvalidEntry, match="is 0; expected a whole number from 1 to 100"):
        service.set_skill(loaded, bus, "dan", "Lending", 0)
    with pytest.raises(NotFound, match="no skill named 'Cooking'"):
        service.set_skill(loaded, bus, "dan", "Cooking", 50)
    with pytest.raises(InvalidEntry, match="'dan' has no skill 'Spanish'; their skills: Lending"):
        service.remove_skill(loaded, bus, "dan", "Spanish")
    assert len(events) == 3


def test_membership_changes(loaded: Context, bus: Bus, events: list[Event]) -> None:
    service.add_member(loaded, bus, "olivia", "Loan Officers")
    service.add_member(loaded, bus, "olivia", "Loan Officers")  # already: no event
    service.remove_member(loaded, bus, "dan", "Loan Officers")
    service.set_supervisor(loaded, bus, "ann", "Loan Officers")
    service.set_supervisor(loaded, bus, "carol", "Loan Officers", supervisor=False)
    group = service.snapshot(loaded).workgroup("Loan Officers")
    assert group.members == {"ann", "bob", "olivia"}
    assert group.supervisors == {"ann"}
    assert [(e.topic, e.kind, e.data["user"]) for e in events] == [
        ("agent", "membership changed", "olivia"),
        ("agent", "membership changed", "dan"),
        ("agent", "membership changed", "ann"),
        ("agent", "membership changed", "carol"),
    ]
    assert events[2].data == {
        "user": "ann",
        "workgroup": "Loan Officers",
        "member": True,
        "supervisor": True,
    }
    with pytest.raises(InvalidEntry, match="'dan' is not a member of the workgroup"):
        service.remove_member(loaded, bus, "dan", "Loan Officers")
    with pytest.raises(NotFound, match="did you mean 'Loan Officers'"):
        service.add_member(loaded, bus, "dan", "Loan Oficers")


def test_role_changes(loaded: Context, bus: Bus, events: list[Event]) -> None:
    service.add_role_member(loaded, bus, "ann", "Auditors")
    service.remove_role_member(loaded, bus, "carol", "Managers")
    found = service.snapshot(loaded)
    assert found.roles_of("ann") == {"Auditors"}
    assert found.role("Managers").members == {"admin"}
    assert [(e.kind, e.data["role"]) for e in events] == [
        ("roles changed", "Auditors"),
        ("roles changed", "Managers"),
    ]


def test_structural_additions(loaded: Context, bus: Bus, events: list[Event]) -> None:
    service.add_skill(loaded, bus, "Auto", "Car loans")
    service.add_user(
        loaded,
        bus,
        User(
            "zoe",
            "Zoe Ray",
            "zoe@example.com",
            Licence.GROUP,
            {"Auto": 70},
            frozenset({"Managers"}),
        ),
    )
    service.add_workgroup(
        loaded, bus, Workgroup("Auto Loans", frozenset({"zoe"}), frozenset({"carol"}), {"Auto": 50})
    )
    found = service.snapshot(loaded)
    assert found.user("zoe").skills == {"Auto": 70}
    assert found.roles_of("zoe") == {"Managers"}
    assert [w.name for w in found.workgroups_of("zoe")] == ["Auto Loans"]
    assert found.workgroup("Auto Loans").supervisors == {"carol"}
    assert [(e.topic, e.kind) for e in events] == [
        ("directory", "skill added"),
        ("directory", "user added"),
        ("directory", "workgroup added"),
    ]
    with pytest.raises(InvalidEntry, match="the user 'zoe' exists already"):
        service.add_user(loaded, bus, User("zoe"))
    with pytest.raises(NotFound, match="no skill named 'Knitting'"):
        service.add_user(loaded, bus, User("yan", skills={"Knitting": 5}))
    with pytest.raises(NotFound, match="no user named 'yan'"):
        service.add_workgroup(loaded, bus, Workgroup("Knitters", frozenset({"yan"})))
    assert "yan" not in service.snapshot(loaded).users


def test_an_empty_store_has_the_default_statuses(ctx: Context) -> None:
    found = service.snapshot(ctx)
    assert found.users == {}
    assert found.default_status.name == "Available"


def test_removing_a_user_by_import_removes_their_memberships(
    loaded: Context, bus: Bus, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "users: {ann: {licence: group}}\nworkgroups: {Loans: {members: [ann]}}\n"
    )
    service.import_file(loaded, bus, path)
    with loaded.db.connect() as conn:
        rows = conn.execute(tables.members.select()).all()
    assert [(r.user_name, r.workgroup) for r in rows] == [("ann", "Loans")]


def test_migration_0002_goes_down_and_up(backend: Backend) -> None:
    engine = backend.open(backend.new_url(migrated=True))
    with engine.begin() as conn:
        downgrade(_alembic_config(conn), "0001")
    assert not {t for t in inspect(engine).get_table_names() if t.startswith("directory_")}
    with engine.begin() as conn:
        upgrade(_alembic_config(conn), "head")
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_since_is_stored_with_its_zone(loaded: Context, bus: Bus, clock: Clock) -> None:
    clock.now = dt.datetime(2030, 6, 1, 12, 30, tzinfo=dt.UTC)
    service.login(loaded, bus, "ann")
    state = service.snapshot(loaded).state("ann")
    assert state is not None and state.since == clock.now and state.since.tzinfo is not None
