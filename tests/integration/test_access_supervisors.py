"""Supervisors through the guard: items routed to a workgroup, pulled, transferred, queued.

The access matrix's item is sent to a user and has no workgroup, so nobody
supervises it. Here the Underwriting process sends its item to the workgroup
Underwriters (members uma and ulf; supervisors sid and nell, who are not
members), an agent picks it up, and every user below tries the supervisors'
operations on it:

- nolic (none), dora (direct), gus (group), desi (designer): one of each licence;
- mona (monitor) and otto (group): supervisors of ANOTHER workgroup;
- root (no licence, administrator);
- sid (direct): supervisor of Underwriters, not a member;
- nell (none): supervisor of Underwriters without a licence;
- ulf (group): a plain member of Underwriters;
- uma (group): the member who picked the item up.

The rules (docs/security.md, docs/work-items.md and the reference): a
supervisor of the item's workgroup may pull an item someone is working on, and
transfer a held or waiting item they do not hold (an agent may transfer what
they hold) to a licensed user or a workgroup with a licensed member; pulling
and transferring need at least the direct licence, even for a supervisor
(pulling takes the item to work on; a user without a licence has no work items);
the queue's figures are for its supervisors, monitor licences and
administrators. Administrators do not pass the work item checks: work items
stay personal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from openpas.security import audit, guard
from openpas.security.principal import Principal
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store.records import WorkItemRecord
from openpas.work.service import WorkError

from .security_world import Underwriting, build_secure_world, build_underwriting

PRINCIPALS = (
    "nolic",
    "dora",
    "gus",
    "mona",
    "desi",
    "root",
    "sid",
    "nell",
    "otto",
    "ulf",
    "uma",
)


@dataclass(frozen=True)
class Case:
    """An operation on a fresh item: ``prepare`` makes the item, ``run`` tries the operation
    as the principal and says whether what the user would observe shows it was done."""

    prepare: Callable[[Underwriting], int]
    run: Callable[[Underwriting, int, Principal], bool]


def _pull(u: Underwriting, item_id: int, p: Principal) -> bool:
    pulled = guard.guarded_pull(u.world.work, p, item_id, reason="uma is ill")
    uma = u.world.who("uma")
    return (
        (pulled.owner, pulled.status) == (p.user, "in-progress")
        and item_id in _listed(u, p)
        and item_id not in _listed(u, uma)
    )


def _transfer_to_olga(u: Underwriting, item_id: int, p: Principal) -> bool:
    moved = guard.guarded_transfer(u.world.work, p, item_id, to_user="olga")
    return (moved.user, moved.status, moved.owner) == ("olga", "new", None) and item_id in _listed(
        u, u.world.who("olga")
    )


def _transfer_to_officers(u: Underwriting, item_id: int, p: Principal) -> bool:
    moved = guard.guarded_transfer(u.world.work, p, item_id, to_workgroup="Officers")
    root = u.world.who("root")
    return (
        (moved.workgroup, moved.status) == ("Officers", "acd-wait-agent")
        and guard.guarded_queue(u.world.work, root, "Officers").waiting == 1
        and guard.guarded_queue(u.world.work, root, "Underwriters").waiting == 0
    )


def _queue(u: Underwriting, item_id: int, p: Principal) -> bool:
    report = guard.guarded_queue(u.world.work, p, "Underwriters")
    return (report.workgroup, report.waiting) == ("Underwriters", 1)


CASES = {
    "pull an item uma works on": Case(Underwriting.in_progress, _pull),
    "transfer an item uma holds": Case(Underwriting.held, _transfer_to_olga),
    "transfer a waiting item": Case(Underwriting.waiting, _transfer_to_officers),
    "see the queue": Case(Underwriting.waiting, _queue),
}

ALLOWED: dict[str, frozenset[str]] = {
    "pull an item uma works on": frozenset({"sid"}),
    "transfer an item uma holds": frozenset({"sid", "uma"}),
    "transfer a waiting item": frozenset({"sid"}),
    "see the queue": frozenset({"mona", "desi", "root", "sid", "nell"}),
}
"""Who may; every other user of :data:`PRINCIPALS` is refused."""


@pytest.fixture
def underwriting(ctx: Context, runner: Runner, tmp_path: Path) -> Underwriting:
    return build_underwriting(build_secure_world(ctx, runner, tmp_path), tmp_path)


@pytest.mark.parametrize(
    ("case", "user", "allowed"),
    [
        pytest.param(name, user, user in allowed, id=f"{name.replace(' ', '_')}-{user}")
        for name, allowed in ALLOWED.items()
        for user in PRINCIPALS
    ],
)
def test_supervisor_access(underwriting: Underwriting, case: str, user: str, allowed: bool) -> None:
    operation = CASES[case]
    item_id = operation.prepare(underwriting)
    before = _state(underwriting.world.work.item(item_id))
    principal = underwriting.world.who(user)
    try:
        outcome = operation.run(underwriting, item_id, principal)
    except guard.NotAllowed as refused:
        assert user in refused.message  # the sentence names the user
        outcome = False
    except WorkError as refused:
        assert user in refused.message or f"#{item_id}" in refused.message
        outcome = False
    assert outcome is allowed
    if not allowed:  # a refusal changes nothing
        assert _state(underwriting.world.work.item(item_id)) == before


def test_supervisors_without_the_direct_licence_are_refused_by_the_licence(
    underwriting: Underwriting,
) -> None:
    work, nell = underwriting.world.work, underwriting.world.who("nell")
    item_id = underwriting.held()
    with pytest.raises(guard.NotAllowed) as refused:
        guard.guarded_transfer(work, nell, item_id, to_user="olga")
    assert refused.value.message == (
        "nell may not transfer work items: that needs the direct licence, and nell has none"
    )
    with pytest.raises(guard.NotAllowed, match="nell may not pull work items"):
        guard.guarded_pull(work, nell, underwriting.in_progress("ulf"))


def test_a_supervisor_transfers_only_to_a_licensed_user_or_a_workgroup_with_one(
    underwriting: Underwriting,
) -> None:
    work, sid = underwriting.world.work, underwriting.world.who("sid")
    item_id = underwriting.held()
    with pytest.raises(WorkError, match="cannot transfer: nolic has no licence for work items"):
        guard.guarded_transfer(work, sid, item_id, to_user="nolic")
    with pytest.raises(
        WorkError, match="the workgroup 'Archive' has no member licensed for workgroup items"
    ):
        guard.guarded_transfer(work, sid, item_id, to_workgroup="Archive")
    assert _state(work.item(item_id)) == ("held", "uma", "Underwriters", None)
    moved = guard.guarded_transfer(work, sid, item_id, to_workgroup="Tellers")
    assert (moved.workgroup, moved.status) == ("Tellers", "acd-wait-agent")
    # sid supervises Underwriters, not Tellers: the item is out of his hands now.
    with pytest.raises(WorkError, match="sid neither has work item"):
        guard.guarded_transfer(work, sid, item_id, to_user="dora")
    moved = guard.guarded_transfer(work, underwriting.world.who("otto"), item_id, to_user="dora")
    assert (moved.user, moved.status) == ("dora", "new")
    assert item_id in _listed(underwriting, underwriting.world.who("dora"))
    logged = [(e.actor, e.action, e.target) for e in audit.listing(underwriting.world.ctx)]
    assert ("sid", "work.transfer", f"work item #{item_id}") in logged
    assert ("otto", "work.transfer", f"work item #{item_id}") in logged


def test_an_item_in_progress_is_pulled_not_transferred_and_the_supervisor_finishes_it(
    underwriting: Underwriting,
) -> None:
    world = underwriting.world
    work, sid, uma = world.work, world.who("sid"), world.who("uma")
    item_id = underwriting.in_progress()
    flow_id = work.item(item_id).flow_id
    with pytest.raises(WorkError, match="only new, waiting or held items can be transferred"):
        guard.guarded_transfer(work, sid, item_id, to_user="olga")
    guard.guarded_pull(work, sid, item_id, reason="uma is ill")
    with pytest.raises(WorkError, match=f"uma cannot submit work item #{item_id}"):
        guard.guarded_submit(work, uma, item_id, "Approve")
    assert [f.key for f in guard.guarded_page(work, sid, item_id).fields] == [
        "LastName",
        "Decision",
    ]
    guard.guarded_submit(work, sid, item_id, "Approve")
    world.runner.run_until_idle()
    assert flows.details(world.ctx, flow_id).position.variables["Decision"] == "Approved"
    assert work.item(item_id).completed_by == "sid"
    entries = [(e.actor, e.action, e.reason) for e in audit.listing(world.ctx, action="work.")]
    assert ("sid", "work.pull", "uma is ill") in entries


def _listed(u: Underwriting, p: Principal) -> set[int]:
    return {i.id for i in guard.guarded_items(u.world.work, p)}


def _state(record: WorkItemRecord) -> tuple[str, str | None, str | None, str | None]:
    return (record.status, record.owner, record.workgroup, record.user)


def test_after_a_pull_the_agent_takes_the_next_item_and_the_supervisor_may_hold_it(
    underwriting: Underwriting,
) -> None:
    world = underwriting.world
    work, sid, uma = world.work, world.who("sid"), world.who("uma")
    first = underwriting.in_progress()
    second = underwriting.launch()
    assert work.item(second).status == "acd-wait-agent"  # uma takes one item at a time
    guard.guarded_pull(work, sid, first)
    assert _listed(underwriting, uma) == {second}
    assert uma.user in work.item(second).offered_to
    guard.guarded_hold(work, sid, first)
    assert _state(work.item(first)) == ("held", "sid", "Underwriters", None)
    assert guard.guarded_pick_up(work, sid, first).item.status == "in-progress"
    guard.guarded_submit(work, sid, first, "Approve")
    assert work.item(first).status == "completed"
