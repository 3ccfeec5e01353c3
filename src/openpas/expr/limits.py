"""The bounds every expression respects, so untrusted documents cannot exhaust the server.

Each limit is checked where it can first be known: the source length and the
nesting depth when an expression is compiled, the others on every value an
operator or function produces.
"""

from __future__ import annotations

from typing import Final

MAX_SOURCE_LENGTH: Final = 10_000
"""The longest expression source, in characters."""

MAX_DEPTH: Final = 100
"""The deepest nesting of parentheses, brackets, calls and operators."""

MAX_TEXT_LENGTH: Final = 1_000_000
"""The longest string an expression may produce, in characters."""

MAX_LIST_LENGTH: Final = 100_000
"""The longest list an expression may produce, in items."""

MAX_EXPONENT: Final = 1_000
"""The largest absolute exponent of ``^`` and ``Power``."""

MAX_NUMBER_LITERAL: Final = 40
"""The most digits a number written in an expression (or read by ToInteger) may have."""

MAX_PATTERN_LENGTH: Final = 500
"""The longest regular expression ``Matches`` accepts."""
