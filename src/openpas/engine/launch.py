"""Starting a flow: its launch inputs checked, its variables set, its start state entered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from openpas.engine.interpreter import enter_state
from openpas.engine.position import Position, Status
from openpas.engine.program import Program
from openpas.engine.runtime import Facts, Runtime, checked, initial_values
from openpas.errors import EvaluationError, FlowError, InputError, LiteralError
from openpas.expr import values
from openpas.model.definition import Definition
from openpas.model.naming import suggest
from openpas.model.scopes import NameScope


def parse_inputs(definition: Definition, texts: Mapping[str, str]) -> dict[str, Any]:
    """Read launch inputs written as text (``LoanAmount=25000 USD``) by their declared types.

    Raises:
        InputError: naming every input that is unknown or not valid.
    """
    problems = []
    result: dict[str, Any] = {}
    inputs = {n: v for n, v in definition.variables.items() if v.decl.access.is_input}
    for name, text in texts.items():
        variable = inputs.get(name)
        if variable is None:
            problems.append(f"{name}: the process has no input of that name{suggest(name, inputs)}")
            continue
        raw: Any = text
        if variable.type.is_list:
            raw = [part.strip() for part in text.split(",")] if text.strip() else []
        try:
            result[name] = values.parse_literal(raw, variable.type, definition.zone)
        except LiteralError as exc:
            problems.append(f"{name}: {exc.message}")
    if problems:
        raise InputError("; ".join(problems))
    return result


def launch(program: Program, inputs: Mapping[str, Any], facts: Facts, now: dt.datetime) -> Position:
    """The position of a new flow, entered into its start state but not yet run.

    Raises:
        InputError: an input is unknown, of the wrong type, breaks a constraint,
            or a required input is missing (every problem is named).
    """
    definition = program.definition
    problems = []
    given: dict[str, Any] = {}
    for name, value in inputs.items():
        variable = definition.variables.get(name)
        if variable is None or not variable.decl.access.is_input:
            known = [n for n, v in definition.variables.items() if v.decl.access.is_input]
            problems.append(f"{name}: the process has no input of that name{suggest(name, known)}")
            continue
        # Widened first: an integer is a valid decimal, a list of them a list of decimals.
        if not values.conforms(values.coerce(value, variable.type), variable.type):
            problems.append(f"{name}: expected a {variable.type}, got {values.format_value(value)}")
            continue
        try:
            given[name] = checked(variable, value)
        except FlowError as exc:
            problems.append(exc.message)
    for name, variable in definition.variables.items():
        if (
            variable.decl.access.is_input
            and variable.decl.required
            and variable.decl.initial is None
            and name not in inputs  # a given value was checked above, NOT SET included
        ):
            problems.append(f"{name}: a value is required")
    if problems:
        raise InputError("; ".join(problems))
    variables = initial_values(definition.variables, definition.zone, given)
    position = Position(Status.RUNNING, variables, [])
    scope = NameScope(definition.variables)
    runtime = Runtime(variables, {}, facts, definition.spec.start, now, definition.zone)
    from openpas.engine.actions.base import Compiler

    compiler = Compiler(definition, scope)
    try:
        for name, variable in definition.variables.items():
            raw = variable.decl.initial
            if name not in given and isinstance(raw, str) and raw.startswith("="):
                variables[name] = checked(
                    variable, compiler.expression(raw, variable.type)(runtime)
                )
        enter_state(program, position, definition.spec.start, {}, facts, now)
    except (EvaluationError, FlowError) as exc:
        position.status = Status.ERROR
        position.error = f"while starting the flow: {exc.message}"
    return position
