"""No secured value leaves the server for someone outside its specification.

A process holds distinctive secret values in variables guarded by ``Personal
Data``. A user outside the specification (with every right on the process, and
the work item in hand) drives every guarded read; the secrets appear in nothing
returned, in no log record, and in no history, call or work item event row. A
member sees them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openpas.security import guard
from openpas.security.guard import FlowView
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store.schema import calls, history, notes
from openpas.store.schema_security import audit
from openpas.store.schema_work import work_item_events
from openpas.work.forms import InvalidFields

from .security_world import INCOME, SSN, SecureWorld, build_secure_world
from .support import rows

SECRETS = (SSN, INCOME, "SECRET")


@pytest.fixture
def world(ctx: Context, runner: Runner, tmp_path: Path) -> Iterator[SecureWorld]:
    made = build_secure_world(ctx, runner, tmp_path)
    # Everyone in Officers may view and manage every flow: only the specification guards.
    made.grant("workgroup", "Officers", "view")
    made.grant("workgroup", "Officers", "manage")
    made.grant("workgroup", "Officers", "launch")
    made.grant("user", "mona", "manage")
    yield made


def dump(value: Any) -> str:
    """Everything a returned object holds, as text (repr and JSON of its fields)."""

    def plain(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, dict):
            return {str(k): plain(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple | set | frozenset):
            return [plain(v) for v in obj]
        return obj

    return repr(value) + json.dumps(plain(value), default=str)


def assert_clean(value: Any) -> None:
    text = dump(value)
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked in {text}"


def test_an_outsider_sees_no_secret_through_any_guarded_read(
    world: SecureWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    flow_id = world.launch(reviewer="olga")
    olga = world.who("olga")
    returned: list[Any] = []

    seen = guard.guarded_flow(world.ctx, olga, flow_id)
    returned.append(seen)
    assert seen.hidden == ("Income", "SSN")
    assert "SSN" not in seen.variables and seen.variables["LastName"] == "Lee"
    assert seen.record.details == "Lee"
    returned.append(guard.guarded_search(world.ctx, olga))
    returned.append(guard.guarded_search(world.ctx, olga, process="Secure Loan"))

    items = guard.guarded_items(world.work, olga)
    returned.append(items)
    assert [(i.work_item, i.details, i.description) for i in items] == [
        ("Check", "Lee", "Check Lee")
    ]
    item_id = items[0].id
    returned.append(guard.guarded_pick_up(world.work, olga, item_id))
    page = guard.guarded_page(world.work, olga, item_id)
    returned.append(page)
    assert [f.key for f in page.fields] == ["LastName", "Decision"]

    for changes in ({"SSN": "123"}, {"Income": "1"}):
        with pytest.raises(InvalidFields) as refused:
            guard.guarded_submit(world.work, olga, item_id, "Approve", changes)
        assert refused.value.invalid == {next(iter(changes)): guard.CANNOT_WRITE}
        returned.append(refused.value.message)
    with pytest.raises(InvalidFields):
        guard.guarded_hold(world.work, olga, item_id, {"SSN": "x"})
    guard.guarded_hold(world.work, olga, item_id, {"LastName": "Lee"})
    returned.append(guard.guarded_pick_up(world.work, olga, item_id))
    returned.append(guard.guarded_submit(world.work, olga, item_id, "Deny", {"Decision": "x"}))
    world.runner.run_until_idle()

    # The flow failed converting SSN to an integer: its error is shown without the value.
    failed = guard.guarded_flow(world.ctx, olga, flow_id)
    returned.append(failed)
    assert failed.record.status == "error"
    returned.append(guard.guarded_search(world.ctx, olga, status=["error"]))
    guard.guarded_add_note(world.ctx, olga, flow_id, "looked at it")
    mona = world.who("mona")
    returned.append(guard.guarded_flow(world.ctx, mona, flow_id))
    returned.append(guard.guarded_search(world.ctx, mona))
    guard.guarded_cancel(world.ctx, mona, flow_id, "stop")
    returned.append(guard.guarded_flow(world.ctx, olga, flow_id))
    returned.append(guard.guarded_items(world.work, olga))

    for value in returned:
        assert_clean(value)
    for record in caplog.records:
        logged = record.getMessage() + (record.exc_text or "")
        assert not any(s in logged for s in SECRETS), logged
    for table in (history, calls, notes, work_item_events, audit):
        text = json.dumps(rows(world.ctx, table), default=str)
        assert not any(s in text for s in SECRETS), f"{table.name}: {text}"


def test_the_error_message_of_a_failed_flow_is_cleaned_for_an_outsider_only(
    world: SecureWorld,
) -> None:
    flow_id = world.launch(reviewer="olga")
    olga, mia = world.who("olga"), world.who("mia")
    item_id = guard.guarded_items(world.work, olga)[0].id
    guard.guarded_pick_up(world.work, olga, item_id)
    guard.guarded_submit(world.work, olga, item_id, "Deny", {"Decision": "x"})
    world.runner.run_until_idle()
    outsider: FlowView = guard.guarded_flow(world.ctx, olga, flow_id)
    member = guard.guarded_flow(world.ctx, mia, flow_id)
    assert outsider.record.error is not None and member.record.error is not None
    assert SSN in member.record.error
    assert SSN not in outsider.record.error and guard.HIDDEN_TEXT in outsider.record.error


def test_a_member_sees_the_secrets(world: SecureWorld) -> None:
    flow_id = world.launch(reviewer="mia")
    mia = world.who("mia")
    seen = guard.guarded_flow(world.ctx, mia, flow_id)
    assert seen.hidden == ()
    assert (seen.variables["SSN"], seen.variables["Income"]) == (SSN, INCOME)
    assert seen.record.details == f"Lee · {SSN}"
    assert [r.details for r in guard.guarded_search(world.ctx, mia)] == [f"Lee · {SSN}"]
    items = guard.guarded_items(world.work, mia)
    assert items[0].details == f"Lee · {SSN} · {INCOME}"
    picked = guard.guarded_pick_up(world.work, mia, items[0].id)
    assert picked.held_because is None
    page = guard.guarded_page(world.work, mia, items[0].id)
    assert {f.key: f.value for f in page.fields}["SSN"] == SSN
    guard.guarded_submit(world.work, mia, items[0].id, "Approve", {"Income": "more"})
    world.runner.run_until_idle()
    assert guard.guarded_flow(world.ctx, mia, flow_id).variables["Income"] == "more"


def test_reporting_gets_only_variables_whose_report_flag_is_on(world: SecureWorld) -> None:
    flow_id = world.launch(reviewer="mia")
    seen = guard.guarded_flow(world.ctx, world.who("mia"), flow_id)
    with world.ctx.read() as conn:
        record = world.ctx.program(conn, seen.record.version_id).definition
    assert guard.reportable_values(record, {**seen.variables, "Score": 5}) == {"Score": 5}
