"""Runs Select: the block of the case equal to the value, else the default block."""

from __future__ import annotations

from typing import Any

from openpas.engine.actions.base import Compiler, Enter, Executor, Outcome, executor
from openpas.engine.runtime import Runtime
from openpas.expr import values
from openpas.model.actions.select import DEFAULT, Select


@executor
class SelectExecutor(Executor):
    kind = "select"

    def __init__(self, spec: Select, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.on, on_type = compiler.typed(spec.on)
        zone = compiler.definition.zone
        self.cases: list[tuple[Any, str]] = [
            (values.coerce(values.parse_literal(key, on_type, zone), on_type), str(key))
            for key in spec.cases
        ]

    def run(self, runtime: Runtime) -> Outcome:
        value = self.on(runtime)
        for case, name in self.cases:
            # Literals were read by the expression's type, so plain equality is exact
            # (a NOT SET value matches no case and takes the default).
            if value == case:
                return Enter(name)
        return Enter(DEFAULT)
