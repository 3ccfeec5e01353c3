"""A small server for the security tests: a directory, rights, a specification, a process
whose work item form shows secured variables, and the work item service."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from openpas.directory import service as directory
from openpas.events import Bus
from openpas.security import guard, rights, specifications
from openpas.security.principal import Principal, principal_of
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store import work as work_store
from openpas.work.service import WorkService

from .support import publish

SSN = "SECRET-4a7f-9c1e-ssn"
INCOME = "SECRET-b21d-income"

DIRECTORY = """\
users:
  root: {licence: none, administrator: true}
  nolic: {licence: none}
  dora: {licence: direct}
  gus: {licence: group}
  mona: {licence: monitor}
  desi: {licence: designer}
  olga: {licence: group}
  mia: {licence: group}
  wade: {licence: group}
  rory: {licence: group}
workgroups:
  Officers: {members: [olga, mia, wade], supervisors: [mona]}
roles:
  Viewers: [rory]
specifications:
  Personal Data: {users: [mia]}
"""

PROCESS = """\
process: Secure Loan
start: Review
details: [LastName, SSN]
inputs:
  LastName: string
  SSN: {type: string, security: Personal Data}
  Income: {type: string, security: Personal Data}
  Reviewer: user
  Strict: {type: boolean, initial: false}
variables:
  Decision: string
  Score: {type: integer, report: true}
states:
  Review:
    actions:
      - decision:
          if: Strict
          yes:
            - send work item to user:
                work item: Strict
                user: =Reviewer
                exits: {Approve: [end process], failure: [end process]}
      - send work item to user:
          work item: Check
          user: =Reviewer
          description: ="Check " & LastName
          exits:
            Approve: [assign: {Decision: Approved}]
            Deny: [assign: {Decision: Denied}]
            failure: [assign: {Decision: failure}]
      - decision:
          if: Decision = "Denied"
          yes: [assign: {Score: =ToInteger(SSN)}]
      - end process
work items:
  Check:
    category: Loans
    details: [LastName, SSN, Income]
    pages:
      - controls:
          - {field: LastName}
          - {field: SSN, read only: true}
          - {field: Income}
          - {field: Decision}
        buttons: [{Approve: submit}, {Deny: submit}]
  Strict:
    details: [LastName]
    pages:
      - controls:
          - {field: LastName}
          - {field: SSN, required: true}
        buttons: [{Approve: submit}]
"""


@dataclass
class SecureWorld:
    """One test's server with the directory above; rights are granted by the test."""

    ctx: Context
    runner: Runner
    work: WorkService
    bus: Bus

    def who(self, user: str) -> Principal:
        return principal_of(directory.snapshot(self.ctx), user)

    def grant(self, kind: str, subject: str, right: str, process: str = "*") -> None:
        rights.grant(self.ctx, self.who("root"), kind, subject, right, process)

    def launch(
        self,
        reviewer: str = "olga",
        by: str = "dora",
        mode: str = "production",
        strict: bool = False,
    ) -> int:
        texts = {"LastName": "Lee", "SSN": SSN, "Income": INCOME, "Reviewer": reviewer}
        if strict:
            texts["Strict"] = "true"
        flow_id = flows.launch(
            self.ctx,
            "Secure Loan",
            texts=texts,
            originator=by,
            mode=mode,
        )
        self.runner.run_until_idle()
        return flow_id


def build_secure_world(ctx: Context, runner: Runner, tmp_path: Path) -> SecureWorld:
    bus = Bus()
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    directory.import_file(ctx, bus, path)
    service = WorkService(ctx, bus, lambda: directory.snapshot(ctx))
    ctx.work = service
    service.start()
    world = SecureWorld(ctx, runner, service, bus)
    specifications.import_file(ctx, world.who("root"), path)
    publish(ctx, textwrap.dedent(PROCESS))
    return world


# ---------------------------------------------------------------------- supervisors

SUPERVISION = """\
users:
  uma: {licence: group}
  ulf: {licence: group}
  sid: {licence: direct}
  nell: {licence: none}
  otto: {licence: group}
  tess: {licence: group}
workgroups:
  Underwriters: {members: [uma, ulf], supervisors: [sid, nell]}
  Tellers: {members: [tess], supervisors: [otto]}
  Archive: {members: [nolic]}
"""
"""Merged into :data:`DIRECTORY`: a workgroup whose supervisors are not members (sid has
only the direct licence, nell none at all), and a supervisor of another workgroup who
has no monitor licence (otto); Archive has no member licensed for its queue."""

UNDERWRITING = """\
process: Underwriting
start: Underwrite
inputs:
  LastName: string
variables:
  Decision: string
states:
  Underwrite:
    actions:
      - send work item to workgroup:
          work item: Underwrite
          workgroup: Underwriters
          description: ="Underwrite " & LastName
          exits:
            Approve: [assign: {Decision: Approved}]
            failure: [assign: {Decision: failure}]
      - end process
work items:
  Underwrite:
    category: Loans
    details: [LastName]
    pages:
      - controls: [{field: LastName}, {field: Decision}]
        buttons: [{Approve: submit}]
"""


@dataclass
class Underwriting:
    """The Underwriters' queue of a :class:`SecureWorld`: items routed to a workgroup."""

    world: SecureWorld

    def login(self, *users: str) -> None:
        """Log agents in; the router learns of them at once (as the server's bus does)."""
        for user in users:
            directory.login(self.world.ctx, self.world.bus, user)
        self.world.work.people_changed(list(users))

    def launch(self) -> int:
        """Start an Underwriting flow (by dora); the id of the item it sends to the queue."""
        flow_id = flows.launch(
            self.world.ctx, "Underwriting", texts={"LastName": "Lee"}, originator="dora"
        )
        self.world.runner.run_until_idle()
        with self.world.ctx.read() as conn:
            [item] = work_store.of_flow(conn, flow_id)
        return item.id

    def waiting(self) -> int:
        """An item waiting in the queue (nobody is logged in to take it)."""
        item_id = self.launch()
        assert self.world.work.item(item_id).status == "acd-wait-agent"
        return item_id

    def in_progress(self, agent: str = "uma") -> int:
        """An item ``agent`` was offered and picked up."""
        self.login(agent)
        item_id = self.launch()
        guard.guarded_pick_up(self.world.work, self.world.who(agent), item_id)
        return item_id

    def held(self, agent: str = "uma") -> int:
        """An item ``agent`` picked up and held."""
        item_id = self.in_progress(agent)
        guard.guarded_hold(self.world.work, self.world.who(agent), item_id)
        return item_id


def build_underwriting(world: SecureWorld, tmp_path: Path) -> Underwriting:
    """Add :data:`SUPERVISION` to the directory and publish :data:`UNDERWRITING`."""
    path = tmp_path / "supervision.yaml"
    path.write_text(SUPERVISION, encoding="utf-8")
    directory.import_file(world.ctx, world.bus, path, merge=True)
    world.work.people_changed(None)
    publish(world.ctx, UNDERWRITING)
    return Underwriting(world)
