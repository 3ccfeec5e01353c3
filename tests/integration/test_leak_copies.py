"""A secured value copied into a variable without a specification stays hidden.

A task input given ``=SSN`` holds the SSN while the task runs; an outsider
looking at the flow must not see it there either.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from openpas.security import guard
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner

from .security_world import SSN, SecureWorld, build_secure_world
from .support import publish

COPYING = """\
process: Copying Loan
start: Check
inputs:
  SSN: {type: string, security: Personal Data}
  LastName: string
variables:
  Digits: string
states:
  Check:
    actions:
      - run task: {task: Look Up, inputs: {Number: =SSN}}
      - end process
tasks:
  Look Up:
    inputs: {Number: string}
    actions:
      - wait: 1d
      - end task
"""


@pytest.fixture
def world(ctx: Context, runner: Runner, tmp_path: Path) -> Iterator[SecureWorld]:
    made = build_secure_world(ctx, runner, tmp_path)
    made.grant("workgroup", "Officers", "view")
    publish(ctx, textwrap.dedent(COPYING))
    yield made


def test_a_copy_of_a_secret_in_a_task_input_is_hidden_from_outsiders(world: SecureWorld) -> None:
    flow_id = flows.launch(
        world.ctx, "Copying Loan", texts={"SSN": SSN, "LastName": "Lee"}, originator="dora"
    )
    world.runner.run_until_idle()
    outsider = guard.guarded_flow(world.ctx, world.who("olga"), flow_id)
    assert outsider.record.state == "Check"
    assert SSN not in repr(outsider)
    assert "Number" in outsider.hidden and "SSN" in outsider.hidden
    member = guard.guarded_flow(world.ctx, world.who("mia"), flow_id)
    task_frame = member.frames[-1]
    assert task_frame.variables["Number"] == SSN
