"""Runs End Process."""

from __future__ import annotations

from openpas.engine.actions.base import Executor, Finish, Outcome, executor
from openpas.engine.runtime import Runtime


@executor
class EndProcessExecutor(Executor):
    kind = "end process"

    def run(self, runtime: Runtime) -> Outcome:
        return Finish()
