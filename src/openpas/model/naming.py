"""Naming rules of process documents.

Variables, fields and types are identifiers: letters, digits and underscores,
starting with an upper-case letter (``CreditScore``, ``Loan_ID``). States,
tasks, work items, pages and the process itself may also contain single
spaces (``Collect Information``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

RESERVED = frozenset({"Process", "Local", "Flow", "NotSet"})
"""Words the expression language gives a meaning of its own."""

MAX_NAME_LENGTH = 100


def identifier_problem(name: object, what: str = "variable") -> str | None:
    """Why ``name`` is not a valid identifier, or None when it is."""
    if not isinstance(name, str) or not name:
        return f"a {what} name must be text, got {name!r}"
    if len(name) > MAX_NAME_LENGTH:
        return f"the {what} name {name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters"
    if " " in name:
        return f"the {what} name {name!r} contains a space; write it as {name.replace(' ', '')!r}"
    if not name[0].isalpha() or not name[0].isupper():
        return f"the {what} name {name!r} must start with an upper-case letter"
    bad = [ch for ch in name if not (ch.isalnum() or ch == "_")]
    if bad:
        return (
            f"the {what} name {name!r} contains {bad[0]!r}; "
            "use only letters, digits and underscores"
        )
    if name in RESERVED:
        return f"{name!r} is a reserved word and cannot name a {what}"
    return None


def element_problem(name: object, what: str) -> str | None:
    """Why ``name`` is not a valid name for a process, state, task, work item or page."""
    if not isinstance(name, str) or not name:
        return f"a {what} name must be text, got {name!r}"
    if len(name) > MAX_NAME_LENGTH:
        return f"the {what} name {name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters"
    if not name[0].isalpha() or not name[0].isupper():
        return f"the {what} name {name!r} must start with an upper-case letter"
    if name != name.strip() or "  " in name:
        return f"the {what} name {name!r} has leading, trailing or double spaces"
    bad = [ch for ch in name if not (ch.isalnum() or ch in "_ ")]
    if bad:
        return (
            f"the {what} name {name!r} contains {bad[0]!r}; "
            "use only letters, digits, underscores and spaces"
        )
    return None


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` when a candidate is close to ``name``, else ``""``."""
    pool = [c for c in candidates if isinstance(c, str)]
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        hit = lowered.get(name.lower())
        matches = [hit] if hit else []
    return f" (did you mean {matches[0]!r}?)" if matches else ""
