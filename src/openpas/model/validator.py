"""Semantic validation: everything the document's shape cannot tell.

Names, types, constraints and initial values, every expression against the
declared types, where each action may stand, that every path of a task ends
with End Task and every path of a state leaves it, that every state can be
reached, and that work items are complete. All problems are collected; a
definition with any error is never built.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from openpas.errors import ExpressionError, LiteralError, Problem
from openpas.expr import compile_expression, values
from openpas.expr.scope import FLOW, UnknownName, VariableRef
from openpas.expr.types import Kind, Type, is_assignable
from openpas.model.actions.base import ActionNode, ActionSpec, Declared, Path, Where
from openpas.model.constraints import RuleError, Rules
from openpas.model.definition import Definition
from openpas.model.forms import WorkItemSpec
from openpas.model.naming import element_problem, identifier_problem, suggest
from openpas.model.problems import display_path
from openpas.model.process import FORMAT, ProcessSpec, Scoped, StateSpec, TaskSpec
from openpas.model.scopes import NameScope, Variable, parse_target
from openpas.model.source import Source
from openpas.model.typenames import TypeTable
from openpas.model.validator_forms import check_work_item

Block = tuple[ActionNode, ...]


class Validator:
    """Checks one :class:`ProcessSpec`; :meth:`run` gives a Definition or problems."""

    def __init__(self, spec: ProcessSpec, source: Source | None = None, text: str = "") -> None:
        self.spec = spec
        self.source = source
        self.text = text
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.zone: dt.tzinfo = values.UTC
        self.types: TypeTable
        self.process_vars: dict[str, Variable] = {}
        self.local_vars: dict[tuple[str, str], dict[str, Variable]] = {}
        self.task_exit_names: dict[str, frozenset[str]] = {}

    # ------------------------------------------------------------------ reporting

    def report(
        self,
        path: Path,
        message: str,
        code: str = "invalid",
        *,
        warning: bool = False,
        offset: tuple[int, int] | None = None,
    ) -> None:
        line, column = self.source.position(path) if self.source else (None, None)
        if offset is not None and line is not None:
            line, column = line + offset[0] - 1, None if offset[0] > 1 else column
        problem = Problem(display_path(path), message, line, column, code)
        (self.warnings if warning else self.errors).append(problem)

    # ------------------------------------------------------------------ the whole

    def run(self) -> Definition | None:
        spec = self.spec
        if spec.format != FORMAT:
            self.report(("format",), f"this openpas reads format {FORMAT}, not {spec.format}")
        problem = element_problem(spec.name, "process")
        if problem:
            self.report(("process",), problem, "name")
        try:
            self.zone = values.zone(spec.timezone)
        except LiteralError as exc:
            self.report(("timezone",), exc.message)
        self.types = TypeTable(
            dict(spec.types), self.zone, lambda p, m, c: self.report(("types", *p), m, c)
        )
        self.types.resolve_all()
        self.process_vars = self.declare((), spec, "process")
        self.check_details((), spec.details, self.process_vars, "process")
        if not spec.states:
            self.report(("states",), "a process needs at least one state", "missing")
        elif spec.start not in spec.states:
            self.report(
                ("start",),
                f"the start state {spec.start!r} does not exist{suggest(spec.start, spec.states)}",
                "unknown",
            )
        for name, state in spec.states.items():
            self.local_vars[("state", name)] = self.declare(("states", name), state, "state")
        for name, task in spec.tasks.items():
            self.local_vars[("task", name)] = self.declare(("tasks", name), task, "task")
        for name, item in spec.work_items.items():
            path = ("work items", name)
            problem = element_problem(name, "work item")
            if problem:
                self.report(path, problem, "name")
            self.local_vars[("work item", name)] = self.declare_table(
                path, item.variables.items(), "work item"
            )
        for name, task in spec.tasks.items():
            self.task_exit_names[name] = frozenset(_end_task_exits(task.actions))
        for name, state in spec.states.items():
            self.check_container("state", name, state.actions)
        for name, task in spec.tasks.items():
            self.check_container("task", name, task.actions)
        for name, item in spec.work_items.items():
            check_work_item(self, name, item)
        self.check_reachability()
        if self.errors:
            return None
        return Definition(
            spec=spec,
            types=dict(self.types.resolved),
            variables=self.process_vars,
            states={n: self.local_vars[("state", n)] for n in spec.states},
            tasks={n: self.local_vars[("task", n)] for n in spec.tasks},
            work_items={n: self.local_vars[("work item", n)] for n in spec.work_items},
            zone=self.zone,
            warnings=tuple(self.warnings),
            text=self.text,
        )

    # ------------------------------------------------------------------ variables

    def declare(self, path: Path, scoped: Scoped, what: str) -> dict[str, Variable]:
        if what != "process":
            problem = element_problem(path[-1], what)
            if problem:
                self.report(path, problem, "name")
        if what == "state" and scoped.outputs:
            self.report(
                (*path, "outputs"),
                "a state has no outputs; store results in process variables",
                "outputs",
            )
        seen: dict[str, str] = {}
        entries = []
        for section, name, decl in scoped.declarations():
            if (
                name in seen
                and seen[name] != section
                and {seen[name], section}
                != {
                    "inputs",
                    "outputs",
                }
            ):
                self.report(
                    (*path, section, name),
                    f"{name!r} is declared both in {seen[name]} and in {section}",
                    "duplicate",
                )
                continue
            seen.setdefault(name, section)
            entries.append(((*path, section, name), name, decl))
        return self.declare_entries(entries, what)

    def declare_table(self, path: Path, items: Any, what: str) -> dict[str, Variable]:
        return self.declare_entries([((*path, "variables", n), n, d) for n, d in items], what)

    def declare_entries(self, entries: list[Any], what: str) -> dict[str, Variable]:
        table: dict[str, Variable] = {}
        for var_path, name, decl in entries:
            problem = identifier_problem(name)
            if problem:
                self.report(var_path, problem, "name")
                continue
            type_, why = self.types.parse(decl.type)
            if type_ is None:
                self.report((*var_path, "type"), why or "unknown type", "type")
                continue
            try:
                rules = self.types.rules_for(type_, decl.type, [decl], decl.required)
            except RuleError as exc:
                self.report((*var_path, exc.key), exc.message, "constraint")
                # Still declared, without its rules: its uses are not "unknown variables".
                table.setdefault(name, Variable(name, type_, decl, Rules(type_)))
                continue
            if decl.security is not None and not decl.security.strip():
                self.report((*var_path, "security"), "the security specification name is empty")
            self.check_initial(var_path, name, type_, decl, rules)
            if name in table:  # the same name in inputs and outputs
                if table[name].type != type_:
                    self.report(
                        var_path,
                        f"{name!r} is an input of type {table[name].type} "
                        f"and an output of type {type_}",
                        "type",
                    )
                continue
            table[name] = Variable(name, type_, decl, rules)
        return table

    def check_initial(self, path: Path, name: str, type_: Type, decl: Any, rules: Rules) -> None:
        if decl.initial is None:
            if decl.required and not decl.access.is_input:
                self.report(
                    path, f"{name} is required but has no initial value", "required-initial"
                )
            return
        raw = decl.initial
        if isinstance(raw, str) and raw.startswith("="):
            # An initial expression sees the process variables and the Flow facts.
            scope = NameScope(self.process_vars)
            self.check_expression(raw, (*path, "initial"), scope, type_)
            return
        try:
            value = values.parse_literal(raw, type_, self.zone)
        except LiteralError as exc:
            self.report((*path, "initial"), f"the initial value is not valid: {exc.message}")
            return
        broken = rules.violations(rules.normalize(value))
        if broken:
            self.report(
                (*path, "initial"),
                f"the initial value {values.format_value(value)} breaks a constraint: "
                + "; ".join(broken),
                "constraint",
            )

    def check_details(
        self, path: Path, details: list[str], table: Mapping[str, Variable], what: str
    ) -> None:
        for index, name in enumerate(details):
            if name not in table:
                self.report(
                    (*path, "details", index),
                    f"the dynamic detail {name!r} is not a variable of the {what}"
                    f"{suggest(str(name), table)}",
                    "unknown",
                )

    # ------------------------------------------------------------------ expressions

    def check_expression(
        self,
        raw: Any,
        path: Path,
        scope: NameScope,
        expected: Type | None,
        reads: set[VariableRef] | None = None,
    ) -> Type | None:
        if raw is None:
            self.report(path, "an expression is required here", "missing")
            return None
        if not isinstance(raw, str):
            if expected is None:
                self.report(path, f"expected an expression, got {raw!r}", "type")
                return None
            return self.check_literal(raw, path, expected)
        source = raw[1:] if raw.startswith("=") else raw
        try:
            compiled = compile_expression(source, scope, expected)
        except ExpressionError as exc:
            self.report(
                path,
                f"{exc.reason} (at column {exc.column} of the expression"
                + (f", line {exc.line})" if exc.line > 1 else ")"),
                "expression",
                offset=(exc.line, exc.column),
            )
            return None
        if reads is not None:
            reads.update(compiled.refs)
        return compiled.type

    def check_literal(
        self, raw: Any, path: Path, expected: Type, rules: Rules | None = None
    ) -> Type | None:
        try:
            value = values.parse_literal(raw, expected, self.zone)
        except LiteralError as exc:
            self.report(path, exc.message, "literal")
            return None
        if rules is not None:
            broken = rules.violations(rules.normalize(value))
            if broken:
                self.report(
                    path,
                    f"{values.format_value(value)} breaks a constraint: " + "; ".join(broken),
                    "constraint",
                )
        return expected

    # ------------------------------------------------------------------ containers

    def check_container(self, kind: str, name: str, actions: Block) -> None:
        root: Path = ("states" if kind == "state" else "tasks", name, "actions")
        where = Where.STATE if kind == "state" else Where.TASK
        scope = NameScope(self.process_vars, self.local_vars[(kind, name)], f"{kind} {name!r}")
        ends = self.check_block(actions, root, where, scope)
        if not actions:
            self.report(root, f"the {kind} {name!r} has no actions", "empty")
        elif not ends:
            finish = "change state or end process" if kind == "state" else "end task"
            self.report(
                root,
                f"a path through the {kind} {name!r} reaches its end without {finish}; "
                f"end every path with {finish}",
                "missing-exit",
            )

    def check_block(self, block: Block, path: Path, where: Where, scope: NameScope) -> bool:
        """Check a block; whether every path through it leaves its state or task."""
        ends = False
        reported = False
        for index, node in enumerate(block):
            node_path: Path = (*path, index, node.kind)
            if ends and not reported:
                self.report(
                    (*path, index),
                    "this action can never run: the action before it always leaves",
                    "unreachable-action",
                )
                reported = True  # report only the first of a run
            # Unreachable actions are still checked, so that every problem shows at once.
            ends = self.check_action(node.spec, node_path, where, scope) or ends
        return ends

    def check_action(self, spec: ActionSpec, path: Path, where: Where, scope: NameScope) -> bool:
        if spec.where not in (Where.ANYWHERE, where):
            place = {Where.STATE: "a state", Where.TASK: "a task"}.get(spec.where, "a state")
            here = {Where.STATE: "a state", Where.TASK: "a task", Where.PAGE: "a work item page"}
            self.report(
                path[:-1],
                f"{spec.kind} can only be used in {place}, not in {here[where]}",
                "placement",
            )
        elif where is Where.PAGE and spec.waits:
            self.report(
                path[:-1],
                f"{spec.kind} may wait, so it cannot run between the pages of a work item",
                "placement",
            )
        context = ActionContext(self, path, where, scope)
        spec.check(context)
        if spec.sends_outside:
            self.check_secured_reads(spec, path, scope, context.reads)
        exits = spec.exits(context)
        exit_ends = [
            self.check_block(block, (*path, *spec.block_path(name)), where, scope)
            for name, block in exits.items()
        ]
        for name, block in spec.bodies().items():
            self.check_block(block, (*path, *spec.block_path(name)), where, scope)
        return spec.terminal or (bool(exit_ends) and all(exit_ends))

    def check_secured_reads(
        self, spec: ActionSpec, path: Path, scope: NameScope, reads: set[VariableRef]
    ) -> None:
        """An action that sends values outside openpas may not read secured variables
        unless it says ``allow secured: true`` (specifications cannot follow the data)."""
        if getattr(spec, "allow_secured", False) is True:
            return
        secured = sorted(
            (ref.name, variable.decl.security)
            for ref in reads
            if (variable := scope.variable(ref)) is not None and variable.decl.security
        )
        for name, security in secured:
            self.report(
                path[:-1],
                f"{spec.kind} sends {name} outside openpas, but {name} is guarded by the "
                f"security specification {security!r}; remove it, or write `allow secured: "
                "true` if everyone who receives it may see it",
                "secured-data",
            )

    # ------------------------------------------------------------------ the state machine

    def check_reachability(self) -> None:
        spec = self.spec
        if spec.start not in spec.states:
            return
        edges = {name: set(_transitions(state.actions)) for name, state in spec.states.items()}
        seen = {spec.start}
        queue = deque([spec.start])
        while queue:
            for target in edges.get(queue.popleft(), ()):
                if target in spec.states and target not in seen:
                    seen.add(target)
                    queue.append(target)
        for name in spec.states:
            if name not in seen:
                self.report(
                    ("states", name),
                    f"the state {name!r} can never be reached from the start state {spec.start!r}",
                    "unreachable-state",
                )
        called = {t for s in spec.states.values() for t in _calls(s.actions)}
        called |= {t for k in spec.tasks.values() for t in _calls(k.actions)}
        for name in spec.tasks:
            if name not in called:
                self.report(
                    ("tasks", name), f"the task {name!r} is never run", "unused", warning=True
                )
        sent = {w for s in spec.states.values() for w in _sent(s.actions)}
        sent |= {w for k in spec.tasks.values() for w in _sent(k.actions)}
        for name in spec.work_items:
            if name not in sent:
                self.report(
                    ("work items", name),
                    f"the work item {name!r} is never sent",
                    "unused",
                    warning=True,
                )


class ActionContext:
    """The :class:`~openpas.model.actions.base.CheckContext` of one action."""

    def __init__(self, validator: Validator, path: Path, where: Where, scope: NameScope) -> None:
        self.validator = validator
        self.path = path
        self._where = where
        self.scope = scope
        self.reads: set[VariableRef] = set()
        """Every variable the action's expressions read (for actions that send data out)."""

    @property
    def where(self) -> Where:
        return self._where

    def problem(self, path: Path, message: str, code: str = "invalid") -> None:
        self.validator.report((*self.path, *path), message, code)

    def expression(self, raw: Any, path: Path, expected: Type | None = None) -> Type | None:
        return self.validator.check_expression(
            raw, (*self.path, *path), self.scope, expected, self.reads
        )

    def value(self, raw: Any, path: Path, expected: Type, target: str | None = None) -> None:
        if isinstance(raw, str) and raw.startswith("="):
            self.expression(raw, path, expected)
            return
        rules = self._rules_of(target) if target is not None else None
        self.validator.check_literal(raw, (*self.path, *path), expected, rules)

    def _rules_of(self, target: str) -> Rules | None:
        try:
            parsed = parse_target(target)
            ref = self.scope.resolve(parsed.prefix, parsed.name)
        except (ValueError, UnknownName):
            return None
        variable = self.scope.variable(ref)
        if variable is None:
            return None
        rules: Rules | None = variable.rules
        for field in parsed.fields:
            rules = rules.fields.get(field) if rules is not None else None
        return rules

    def target(self, raw: Any, path: Path) -> Type | None:
        try:
            parsed = parse_target(raw)
        except ValueError as exc:
            self.problem(path, str(exc), "target")
            return None
        try:
            ref = self.scope.resolve(parsed.prefix, parsed.name)
        except UnknownName as exc:
            self.problem(path, exc.message, "unknown")
            return None
        if ref.scope == FLOW:
            self.problem(path, f"{ref} is a fact of the flow and cannot be changed", "read-only")
            return None
        current = ref.type
        for field in parsed.fields:
            if current.kind is not Kind.COMPLEX:
                self.problem(path, f"{parsed} is not valid: a {current} has no fields", "field")
                return None
            next_type = current.field(field)
            if next_type is None:
                names = [n for n, _ in current.fields]
                self.problem(
                    path, f"{current} has no field {field!r}{suggest(field, names)}", "field"
                )
                return None
            current = next_type
        return current

    def type_named(self, raw: Any, path: Path) -> Type | None:
        type_, why = self.validator.types.parse(raw)
        if type_ is None:
            self.problem(path, why or "unknown type", "type")
        return type_

    def state(self, raw: Any, path: Path) -> StateSpec | None:
        states = self.validator.spec.states
        if raw not in states:
            self.problem(path, f"unknown state {raw!r}{suggest(str(raw), states)}", "unknown")
            return None
        return states[raw]

    def task(self, raw: Any, path: Path) -> TaskSpec | None:
        tasks = self.validator.spec.tasks
        if raw not in tasks:
            self.problem(path, f"unknown task {raw!r}{suggest(str(raw), tasks)}", "unknown")
            return None
        return tasks[raw]

    def work_item(self, raw: Any, path: Path) -> WorkItemSpec | None:
        items = self.validator.spec.work_items
        if raw not in items:
            self.problem(path, f"unknown work item {raw!r}{suggest(str(raw), items)}", "unknown")
            return None
        return items[raw]

    def find_work_item(self, name: str) -> WorkItemSpec | None:
        return self.validator.spec.work_items.get(name)

    def variables_of(self, scope: StateSpec | TaskSpec | WorkItemSpec) -> Mapping[str, Declared]:
        spec = self.validator.spec
        for kind, table in (
            ("state", spec.states),
            ("task", spec.tasks),
            ("work item", spec.work_items),
        ):
            for name, candidate in table.items():
                if candidate is scope:
                    variables = self.validator.local_vars.get((kind, name), {})
                    return {n: Declared(n, v.type, v.decl) for n, v in variables.items()}
        return {}

    def task_exits(self, name: str) -> frozenset[str]:
        return self.validator.task_exit_names.get(name, frozenset())

    def assignable(self, target: Type, source: Type) -> bool:
        return is_assignable(target, source)


# ---------------------------------------------------------------------- tree walks


def iter_actions(block: Block) -> Iterator[ActionSpec]:
    """Every action of a block, nested ones included, in document order."""
    for node in block:
        spec = node.spec
        yield spec
        for nested in (*spec.exits(None).values(), *spec.bodies().values()):
            yield from iter_actions(nested)


def _end_task_exits(block: Block) -> set[str]:
    return {str(getattr(s, "exit", "default")) for s in iter_actions(block) if s.kind == "end task"}


def _transitions(block: Block) -> Iterator[str]:
    for spec in iter_actions(block):
        yield from spec.transitions()


def _calls(block: Block) -> Iterator[str]:
    for spec in iter_actions(block):
        yield from spec.calls()


def _sent(block: Block) -> Iterator[str]:
    for spec in iter_actions(block):
        item = getattr(spec, "work_item", None)
        if isinstance(item, str):
            yield item
