"""A handler for the crash test: it writes every call it receives to a log before replying.

The engine process imports it through the ``handlers:`` section of its
configuration. The log is the witness of what really ran outside openpas.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any


def record(flow: Any = None, **_: Any) -> dict[str, Any]:
    """Log the call durably, take a little time (so kills land mid-call), reply."""
    path = os.environ["OPENPAS_CRASH_LOG"]
    with open(path, "a", encoding="utf-8") as log:
        log.write(f"{flow}\n")
        log.flush()
        os.fsync(log.fileno())
    time.sleep(random.uniform(0, 0.05))
    return {"score": int(flow) % 100}
