"""The audit log on SQLite and PostgreSQL: every administrative and managing change has
an entry with who, when, what and why, written in the change's own transaction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from openpas.directory import service as directory
from openpas.directory.errors import InvalidEntry
from openpas.directory.model import Licence, User, Workgroup
from openpas.events import Bus
from openpas.security import audit, auth, passwords, tokens
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store.audit import AuditRecord

from .conftest import T0, Clock
from .support import publish
from .test_repair import SLOW
from .test_work_items import TEAM, build, to_workgroup

ROOT = auth.local_operator("root")


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def last(ctx: Context) -> AuditRecord:
    return audit.listing(ctx, limit=1)[0]


def entry(ctx: Context) -> tuple[str, str, str, str | None]:
    found = last(ctx)
    return found.actor, found.action, found.target, found.reason


def test_publishing_and_activating_processes(ctx: Context, clock: Clock) -> None:
    text = SLOW.replace("=N + 1", "1")
    record, _ = processes.publish(ctx, text, "dora", "slow.yaml", reason="first release")
    assert entry(ctx) == ("dora", "process.publish", "process Slow", "first release")
    assert json.loads(last(ctx).detail or "") == {"source": "slow.yaml", "version": 1}
    assert last(ctx).at == T0
    clock.advance(minutes=5)
    processes.set_active(ctx, "Slow", False, by="dora", reason="a bug in version 1")
    assert entry(ctx) == ("dora", "process.deactivate", "process Slow", "a bug in version 1")
    assert last(ctx).at == T0 + dt.timedelta(minutes=5)
    processes.set_active(ctx, "Slow", True, by="olaf")
    assert entry(ctx) == ("olaf", "process.activate", "process Slow", None)
    with pytest.raises(flows.NotFound):
        processes.set_active(ctx, "Nothing", True, by="olaf")
    assert len(audit.listing(ctx)) == 3  # a refused change leaves no entry
    assert record.version == 1


def test_cancelling_retrying_skipping_and_notes(ctx: Context, runner: Runner) -> None:
    publish(ctx, SLOW)
    flow = flows.launch(ctx, "Slow", originator="u")
    runner.run_until_idle()  # N is NOT SET: the flow is in error
    flows.retry(ctx, flow, by="max", reason="the database is back")
    assert entry(ctx) == ("max", "flow.retry", f"flow #{flow}", "the database is back")
    runner.run_until_idle()
    flows.skip(ctx, flow, by="max", reason="done by hand")
    assert entry(ctx) == ("max", "flow.skip", f"flow #{flow}", "done by hand")
    assert json.loads(last(ctx).detail or "")["exit"] == "done"
    flows.add_note(ctx, flow, "max", "called the customer")
    assert entry(ctx) == ("max", "flow.note", f"flow #{flow}", None)
    assert last(ctx).detail == "called the customer"

    other = flows.launch(ctx, "Slow", originator="u")
    flows.cancel(ctx, other, "customer withdrew", by="max")
    assert entry(ctx) == ("max", "flow.cancel", f"flow #{other}", "customer withdrew")
    with pytest.raises(flows.NotAllowed):
        flows.cancel(ctx, other, "again", by="max")
    assert [e.action for e in audit.listing(ctx, actor="max")] == [
        "flow.cancel",
        "flow.note",
        "flow.skip",
        "flow.retry",
    ]
    assert [e.action for e in audit.listing(ctx, action="flow.")][-1] == "flow.retry"


def test_a_supervisor_transferring_or_pulling_work(
    ctx: Context, runner: Runner, clock: Clock, tmp_path: Path
) -> None:
    world = build(ctx, runner, clock, tmp_path)
    world.login(*TEAM, "sam")
    world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.work.pull("carol", item.id, reason="ann is ill")
    assert entry(ctx) == ("carol", "work.pull", f"work item #{item.id}", "ann is ill")
    assert json.loads(last(ctx).detail or "") == {"from": "ann"}
    world.work.hold("carol", item.id)
    world.work.transfer("carol", item.id, to_workgroup="Seniors")  # carol holds it: her own
    assert last(ctx).action == "work.pull"
    world.work.transfer("carol", item.id, to_user="olivia", reason="olivia knows the customer")
    assert entry(ctx) == (
        "carol",
        "work.transfer",
        f"work item #{item.id}",
        "olivia knows the customer",
    )
    assert json.loads(last(ctx).detail or "") == {"from": "Seniors", "to": "olivia"}


def test_every_directory_change(ctx: Context, tmp_path: Path) -> None:
    bus = Bus()
    path = tmp_path / "people.yaml"
    path.write_text(
        "skills: {Lending: Lending}\nroles:\n  Auditors: []\nusers:\n  ann: {}\n", "utf-8"
    )
    directory.import_file(ctx, bus, path, by="root", reason="initial load")
    directory.import_file(ctx, bus, path, by="root")  # nothing changes: nothing recorded
    assert entry(ctx) == ("root", "directory.import", f"file {path}", "initial load")
    steps = [
        (
            lambda: directory.add_user(ctx, bus, User("bob"), by="root", reason="new hire"),
            ("directory.user.add", "user bob", "new hire"),
        ),
        (
            lambda: directory.add_skill(ctx, bus, "Spanish", by="root"),
            ("directory.skill.add", "skill Spanish", None),
        ),
        (
            lambda: directory.add_workgroup(ctx, bus, Workgroup("Team"), by="root"),
            ("directory.workgroup.add", "workgroup Team", None),
        ),
        (
            lambda: directory.set_licence(ctx, bus, "bob", "group", by="root", reason="queue"),
            ("directory.user.licence", "user bob", "queue"),
        ),
        (
            lambda: directory.set_skill(ctx, bus, "bob", "Lending", 70, by="root"),
            ("directory.user.skill.set", "user bob", None),
        ),
        (
            lambda: directory.remove_skill(ctx, bus, "bob", "Lending", by="root"),
            ("directory.user.skill.remove", "user bob", None),
        ),
        (
            lambda: directory.add_member(ctx, bus, "bob", "Team", by="root"),
            ("directory.workgroup.membership", "workgroup Team", None),
        ),
        (
            lambda: directory.set_supervisor(ctx, bus, "ann", "Team", by="root"),
            ("directory.workgroup.membership", "workgroup Team", None),
        ),
        (
            lambda: directory.remove_member(ctx, bus, "bob", "Team", by="root", reason="left"),
            ("directory.workgroup.membership", "workgroup Team", "left"),
        ),
        (
            lambda: directory.add_role_member(ctx, bus, "bob", "Auditors", by="root"),
            ("directory.user.role.add", "user bob", None),
        ),
        (
            lambda: directory.remove_role_member(ctx, bus, "bob", "Auditors", by="root"),
            ("directory.user.role.remove", "user bob", None),
        ),
    ]
    for change, (action, target, reason) in steps:
        change()
        assert entry(ctx) == ("root", action, target, reason)
    assert json.loads(last(ctx).detail or "") == {"role": "Auditors"}
    assert json.loads(audit.listing(ctx, action="directory.user.licence")[0].detail or "") == {
        "before": "none",
        "licence": "group",
    }
    count = len(audit.listing(ctx))
    with pytest.raises(InvalidEntry):
        directory.add_user(ctx, bus, User("bob"), by="root")
    directory.add_member(ctx, bus, "ann", "Team", by="root")
    directory.add_member(ctx, bus, "ann", "Team", by="root")  # a member already: no change
    assert len(audit.listing(ctx)) == count + 1
    directory.add_skill(ctx, bus, "French")
    assert entry(ctx) == ("system", "directory.skill.add", "skill French", None)


def test_tokens_and_passwords(ctx: Context) -> None:
    directory.add_user(ctx, Bus(), User("ann", licence=Licence.DIRECT))
    auth.set_password(ctx, ROOT, "ann", "first long password", reason="onboarding")
    assert entry(ctx) == ("root", "password.set", "user ann", "onboarding")
    auth.change_password(ctx, "ann", "first long password", "second long password")
    assert entry(ctx) == ("ann", "password.change", "user ann", None)
    token_id, _ = tokens.create_token(ctx, ROOT, "ann", "ci", None)
    assert entry(ctx) == ("root", "token.create", f"token #{token_id} of ann", None)
    tokens.revoke_token(ctx, auth.principal_for(ctx, "ann"), token_id, "leaked")
    assert entry(ctx) == ("ann", "token.revoke", f"token #{token_id} of ann", "leaked")


def test_the_listing_filters_and_limits(ctx: Context, clock: Clock) -> None:
    for index in range(5):
        with ctx.db.begin() as conn:
            audit.record(conn, f"u{index % 2}", f"x.{index}", "t", at=clock.now)
        clock.advance(minutes=1)
    assert [e.action for e in audit.listing(ctx, limit=2)] == ["x.4", "x.3"]
    assert [e.action for e in audit.listing(ctx, actor="u1")] == ["x.3", "x.1"]
    assert [e.action for e in audit.listing(ctx, action="x.2")] == ["x.2"]
    assert [e.action for e in audit.listing(ctx, action="x.")] == [
        f"x.{i}" for i in (4, 3, 2, 1, 0)
    ]
    assert [e.action for e in audit.listing(ctx, action="x%")] == []
    since = T0 + dt.timedelta(minutes=3)
    assert [e.action for e in audit.listing(ctx, since=since)] == ["x.4", "x.3"]
    with pytest.raises(ValueError, match="the limit is 0"):
        audit.listing(ctx, limit=0)


def test_an_entry_is_rolled_back_with_its_change(ctx: Context, clock: Clock) -> None:
    with pytest.raises(RuntimeError), ctx.db.begin() as conn:
        audit.record(conn, "root", "x.y", "t", "why", {"n": 1}, at=clock.now)
        raise RuntimeError("the change failed")
    assert audit.listing(ctx) == []
