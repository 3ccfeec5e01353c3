"""A sample handler: a pretend credit bureau.

Registered as ``credit_bureau.score`` (see ``pyproject.toml``). It derives a
stable score from the digits of a social security number, as a real bureau's
web service would return one, and reports ``NotFound`` for numbers it does not
know (those starting with 000).
"""

from __future__ import annotations

import hashlib
from typing import Any

from openpas.service.handlers import HandlerResult


def credit_score(ssn: Any = None, **_: Any) -> HandlerResult:
    """A credit score between 300 and 850 for ``ssn``."""
    digits = "".join(ch for ch in str(ssn or "") if ch.isdigit())
    if len(digits) != 9 or digits.startswith("000"):
        return HandlerResult("NotFound", {})
    spread = int(hashlib.sha256(digits.encode()).hexdigest(), 16) % 551
    return HandlerResult("success", {"score": 300 + spread})
