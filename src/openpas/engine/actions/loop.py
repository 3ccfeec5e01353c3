"""Runs Loop: over a collection, a number of times, or while a condition holds."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, Enter, Executor, Next, Outcome, executor
from openpas.engine.position import Loop as LoopState
from openpas.engine.runtime import Runtime
from openpas.errors import FlowError
from openpas.expr import values
from openpas.expr.types import BOOLEAN, INTEGER
from openpas.model.actions.loop import MAX_ITERATIONS, Loop, Test


@executor
class LoopExecutor(Executor):
    kind = "loop"

    def __init__(self, spec: Loop, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.loop = spec
        self.item = compiler.setter(spec.item) if spec.item else None
        self.index = compiler.setter(spec.index) if spec.index else None
        if spec.over is not None:
            self.collection, collection_type = compiler.typed(spec.over)
            self.element = collection_type.element()
        if spec.times is not None:
            self.times = compiler.value(spec.times, INTEGER)
        if spec.while_ is not None:
            self.condition = compiler.expression(spec.while_, BOOLEAN)

    def start(self, runtime: Runtime) -> LoopState:
        """The loop's state before its first pass."""
        mode = self.loop.mode
        if mode == "over":
            items = self.collection(runtime)
            if items is values.NOT_SET:
                items = ()
            encoded = [values.encode(item, self.element) for item in items]
            return LoopState(mode, items=encoded)
        if mode == "times":
            count = self.times(runtime)
            if count is values.NOT_SET:
                raise FlowError("the number of passes of the loop is NOT SET")
            return LoopState(mode, count=int(count))
        return LoopState(mode)

    def run(self, runtime: Runtime) -> Outcome:
        raise FlowError("a loop starts through the interpreter")  # pragma: no cover

    def begin(self, runtime: Runtime, state: LoopState) -> Outcome:
        """Start the loop: its first pass, or nothing."""
        return Enter("do") if self.repeat(runtime, state, first=True) else Next()

    def repeat(self, runtime: Runtime, state: LoopState, first: bool = False) -> bool:
        """Whether another pass runs; prepares it (item, index) when it does."""
        mode = state.mode
        if mode == "over":
            assert state.items is not None
            more = state.passes < len(state.items)
        elif mode == "times":
            more = state.passes < (state.count or 0)
        elif first and self.loop.test is Test.AFTER:
            more = True
        else:
            more = self.condition(runtime) is True
        if not more:
            return False
        if state.passes >= MAX_ITERATIONS:
            raise FlowError(f"the loop ran {MAX_ITERATIONS:,} passes; is its condition ever false?")
        if mode == "over" and self.item is not None:
            assert state.items is not None
            self.item.set(runtime, values.decode(state.items[state.passes], self.element))
        if self.index is not None:
            self.index.set(runtime, state.passes + 1)
        # Counted only once the pass is prepared, so a retry after a failure prepares it again.
        state.passes += 1
        return True
