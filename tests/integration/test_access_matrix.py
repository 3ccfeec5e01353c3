"""Who may do what: every principal against every operation, through the guard.

Principals (licence; grants):

- nolic (none; launch, view and manage on every process: the licence still refuses);
- dora (direct; launch Secure Loan as a user) - the originator of the flows;
- gus (group; nothing);
- olga (group; launch and view Secure Loan through her workgroup Officers) - the reviewer;
- rory (group; view every process through the role Viewers);
- mona (monitor; manage every process as a user) - supervisor of Officers;
- desi (designer; nothing);
- root (no licence, administrator).

A test is one (principal, operation) pair on a fresh server; ``allowed`` is
what the table says, and a refusal is NotAllowed (rights, licences) or the work
item service's own refusal (work items are personal).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from openpas.directory.errors import NotFound as DirectoryNotFound
from openpas.security import audit, guard, rights, specifications
from openpas.security.principal import Principal
from openpas.security.specifications import Members
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store.records import FlowRecord
from openpas.work.service import WorkError

from .security_world import PROCESS, SecureWorld, build_secure_world

PRINCIPALS = ("nolic", "dora", "gus", "olga", "rory", "mona", "desi", "root")


class Flows:
    """The two flows of a test: one waiting at olga's work item, one in error."""

    def __init__(self, world: SecureWorld) -> None:
        self.waiting = world.launch(reviewer="olga", by="dora")
        failing = world.launch(reviewer="olga", by="dora")
        olga = world.who("olga")
        item = next(i for i in guard.guarded_items(world.work, olga) if i.flow_id == failing)
        guard.guarded_pick_up(world.work, olga, item.id)
        guard.guarded_submit(world.work, olga, item.id, "Deny", {"Decision": "x"})
        world.runner.run_until_idle()
        self.failed = failing
        self.item = next(i for i in guard.guarded_items(world.work, olga)).id


Operation = Callable[[SecureWorld, Flows, Principal], bool]


def launch_production(w: SecureWorld, f: Flows, p: Principal) -> bool:
    texts = {"LastName": "X", "SSN": "1", "Income": "1", "Reviewer": "olga"}
    guard.guarded_launch(w.ctx, p, "Secure Loan", texts=texts)
    return True


def launch_test(w: SecureWorld, f: Flows, p: Principal) -> bool:
    texts = {"LastName": "X", "SSN": "1", "Income": "1", "Reviewer": "olga"}
    guard.guarded_launch(w.ctx, p, "Secure Loan", texts=texts, mode="test")
    return True


def search(w: SecureWorld, f: Flows, p: Principal) -> bool:
    found = {r.id for r in guard.guarded_search(w.ctx, p)}
    return {f.waiting, f.failed} <= found


def view_flow(w: SecureWorld, f: Flows, p: Principal) -> bool:
    return guard.guarded_flow(w.ctx, p, f.waiting).record.id == f.waiting


def cancel(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_cancel(w.ctx, p, f.waiting, "no longer needed")
    return guard.guarded_flow(w.ctx, w.who("root"), f.waiting).record.status == "cancelled"


def retry(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_retry(w.ctx, p, f.failed)
    return True


def skip(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_skip(w.ctx, p, f.failed)
    return True


def add_note(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_add_note(w.ctx, p, f.waiting, "checked")
    return True


def publish(w: SecureWorld, f: Flows, p: Principal) -> bool:
    version, _ = guard.guarded_publish(w.ctx, p, PROCESS)
    return version.version == 2


def deactivate(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_set_active(w.ctx, p, "Secure Loan", False)
    guard.guarded_set_active(w.ctx, p, "Secure Loan", True)
    return True


def list_items(w: SecureWorld, f: Flows, p: Principal) -> bool:
    return f.item in {i.id for i in guard.guarded_items(w.work, p)}


def pick_up(w: SecureWorld, f: Flows, p: Principal) -> bool:
    return guard.guarded_pick_up(w.work, p, f.item).item.owner == p.user


def open_page(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_pick_up(w.work, w.who("olga"), f.item)
    return bool(guard.guarded_page(w.work, p, f.item).fields)


def submit(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_pick_up(w.work, w.who("olga"), f.item)
    return guard.guarded_submit(w.work, p, f.item, "Approve").status == "completed"


def transfer(w: SecureWorld, f: Flows, p: Principal) -> bool:
    return guard.guarded_transfer(w.work, p, f.item, to_user="gus").user == "gus"


def pull(w: SecureWorld, f: Flows, p: Principal) -> bool:
    guard.guarded_pick_up(w.work, w.who("olga"), f.item)
    return guard.guarded_pull(w.work, p, f.item).owner == p.user


def queue_statistics(w: SecureWorld, f: Flows, p: Principal) -> bool:
    return guard.guarded_queue(w.work, p, "Officers").workgroup == "Officers"


def grant(w: SecureWorld, f: Flows, p: Principal) -> bool:
    return rights.grant(w.ctx, p, "user", "gus", "view", "Secure Loan")


def change_specification(w: SecureWorld, f: Flows, p: Principal) -> bool:
    specifications.set_members(w.ctx, p, "Personal Data", Members.of(["mia", "gus"]))
    return True


#                                nolic  dora   gus    olga   rory   mona   desi   root
MATRIX: dict[Operation, tuple[bool, ...]] = {
    launch_production: (False, True, False, True, False, False, False, True),
    launch_test: (False, False, False, False, False, False, True, True),
    search: (False, True, False, True, True, True, False, True),
    view_flow: (False, True, False, True, True, True, False, True),
    cancel: (False, False, False, False, False, True, False, True),
    retry: (False, False, False, False, False, True, False, True),
    skip: (False, False, False, False, False, True, False, True),
    add_note: (False, True, False, True, True, True, False, True),
    publish: (False, False, False, False, False, False, True, True),
    deactivate: (False, False, False, False, False, False, True, True),
    list_items: (False, False, False, True, False, False, False, False),
    pick_up: (False, False, False, True, False, False, False, False),
    open_page: (False, False, False, True, False, False, False, False),
    submit: (False, False, False, True, False, False, False, False),
    # The item is sent to olga directly: it has no workgroup, hence no supervisor who
    # could transfer or pull it; test_access_supervisors.py routes items to a workgroup.
    transfer: (False, False, False, True, False, False, False, False),
    pull: (False, False, False, False, False, False, False, False),
    queue_statistics: (False, False, False, False, False, True, True, True),
    grant: (False, False, False, False, False, False, False, True),
    change_specification: (False, False, False, False, False, False, False, True),
}

CASES = [
    pytest.param(op, user, allowed[i], id=f"{op.__name__}-{user}")
    for op, allowed in MATRIX.items()
    for i, user in enumerate(PRINCIPALS)
]


@pytest.fixture
def world(ctx: Context, runner: Runner, tmp_path: Path) -> SecureWorld:
    made = build_secure_world(ctx, runner, tmp_path)
    for right in ("launch", "view", "manage"):
        made.grant("user", "nolic", right)
    made.grant("user", "dora", "launch", "Secure Loan")
    made.grant("workgroup", "Officers", "launch", "Secure Loan")
    made.grant("workgroup", "Officers", "view", "Secure Loan")
    made.grant("role", "Viewers", "view")
    made.grant("user", "mona", "manage")
    return made


@pytest.mark.parametrize(("operation", "user", "allowed"), CASES)
def test_access(world: SecureWorld, operation: Operation, user: str, allowed: bool) -> None:
    flows = Flows(world)
    principal = world.who(user)
    try:
        outcome = operation(world, flows, principal)
    except guard.NotAllowed as refused:
        assert user in refused.message  # the sentence names the user
        outcome = False
    except WorkError as refused:
        assert user in refused.message or str(flows.item) in refused.message
        outcome = False
    assert outcome is allowed


def test_a_refusal_names_the_user_the_right_and_the_process(world: SecureWorld) -> None:
    flows = Flows(world)
    with pytest.raises(guard.NotAllowed) as refused:
        guard.guarded_cancel(world.ctx, world.who("olga"), flows.waiting, "stop")
    assert "olga" in refused.value.message and "monitor" in refused.value.message
    with pytest.raises(guard.NotAllowed) as refused:
        guard.guarded_flow(world.ctx, world.who("gus"), flows.waiting)
    assert refused.value.message == (
        f"gus may not view flow #{flows.waiting}: that needs the View or Manage right on the "
        "process 'Secure Loan', or to have started the flow"
    )
    assert (refused.value.user, refused.value.right, refused.value.target) == (
        "gus",
        "view",
        "Secure Loan",
    )


def test_rights_change_live_and_are_audited(world: SecureWorld) -> None:
    flows = Flows(world)
    gus, root = world.who("gus"), world.who("root")
    assert not rights.load_rights(world.ctx).can_view_flow(gus, _record(world, flows.waiting))
    assert rights.grant(world.ctx, root, "user", "gus", "view", "Secure Loan")
    assert not rights.grant(world.ctx, root, "user", "gus", "view", "Secure Loan")
    assert guard.guarded_flow(world.ctx, gus, flows.waiting).record.id == flows.waiting
    assert rights.revoke(world.ctx, root, "user", "gus", "view", "Secure Loan")
    with pytest.raises(guard.NotAllowed):
        guard.guarded_flow(world.ctx, gus, flows.waiting)
    logged = [(e.actor, e.action, e.target, e.detail) for e in audit.listing(world.ctx)]
    assert ("root", "rights.revoke", "user gus", "view on Secure Loan") in logged
    assert ("root", "rights.grant", "user gus", "view on Secure Loan") in logged


def test_grants_name_existing_users_and_published_processes(world: SecureWorld) -> None:
    root = world.who("root")
    with pytest.raises(DirectoryNotFound, match="no user named 'guss'"):
        rights.grant(world.ctx, root, "user", "guss", "view", "Secure Loan")
    with pytest.raises(Exception, match="no process named 'Secure Lone' is published"):
        rights.grant(world.ctx, root, "user", "gus", "view", "Secure Lone")


def test_picking_up_an_item_that_requires_a_hidden_field_holds_it(world: SecureWorld) -> None:
    world.launch(reviewer="olga", strict=True)
    olga, mia = world.who("olga"), world.who("mia")
    item = guard.guarded_items(world.work, olga)[0]
    picked = guard.guarded_pick_up(world.work, olga, item.id)
    assert picked.item.status == "held"
    assert picked.held_because is not None and "SSN" in picked.held_because
    assert "olga may not see" in picked.held_because
    guard.guarded_transfer(world.work, olga, item.id, to_user="mia")
    assert guard.guarded_pick_up(world.work, mia, item.id).held_because is None


def _record(world: SecureWorld, flow_id: int) -> FlowRecord:
    return guard.guarded_flow(world.ctx, world.who("root"), flow_id).record
