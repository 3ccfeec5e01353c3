"""Checking values passed into and out of a called scope (not an action kind itself).

Run Task, Change State and the Send Work Item actions pass inputs to the
variables of a task, a state or a work item that have input access, and take
outputs back from those with output access; the rules are the same for all.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpas.expr.types import is_assignable
from openpas.model.actions.base import CheckContext, Declared
from openpas.model.naming import suggest
from openpas.model.spec import Raw


def check_inputs(
    ctx: CheckContext,
    declared: Mapping[str, Declared],
    inputs: Mapping[str, Raw],
    callee: str,
    *,
    required: bool = True,
) -> None:
    """Every input names an input variable of ``callee`` and gives it a fitting value;
    with ``required``, every required input without an initial value is given."""
    for name, raw in inputs.items():
        var = declared.get(name)
        if var is None or not var.decl.access.is_input:
            known = [n for n, v in declared.items() if v.decl.access.is_input]
            ctx.problem(
                ("inputs", name),
                f"{callee} has no input {name!r}{suggest(name, known)}",
                "unknown",
            )
            continue
        ctx.value(raw, ("inputs", name), var.type)
    if not required:
        return
    for name, var in declared.items():
        decl = var.decl
        if decl.access.is_input and decl.required and decl.initial is None and name not in inputs:
            ctx.problem(("inputs",), f"{callee} requires the input {name!r}", "missing")


def check_outputs(
    ctx: CheckContext, declared: Mapping[str, Declared], outputs: Mapping[str, str], callee: str
) -> None:
    """Every output names an output variable of ``callee`` and goes to a variable of a
    type that can hold it."""
    for name, target in outputs.items():
        var = declared.get(name)
        if var is None or not var.decl.access.is_output:
            known = [n for n, v in declared.items() if v.decl.access.is_output]
            ctx.problem(
                ("outputs", name),
                f"{callee} has no output {name!r}{suggest(name, known)}",
                "unknown",
            )
            continue
        target_type = ctx.target(target, ("outputs", name))
        if target_type is not None and not is_assignable(target_type, var.type):
            ctx.problem(
                ("outputs", name),
                f"the output {name} is a {var.type} but {target} is a {target_type}",
                "type",
            )
