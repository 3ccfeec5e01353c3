"""The issue's promise: every problem injected into a valid process is reported at once.

The valid process is the car loan example; each injection replaces one line,
found by its text, so the line numbers stay those of the example.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from openpas.errors import DefinitionError
from openpas.model import load_file, load_text

EXAMPLE = Path(__file__).parents[3] / "examples" / "car_loan.yaml"


@dataclass(frozen=True)
class Injection:
    line_text: str
    replacement: str
    path: str
    words: str
    offset: int = 0
    """Where the problem is reported, relative to the replaced line."""


INJECTIONS = [
    Injection(
        "    Make: string", "    Make: strng", "types.Vehicle.Make.type", "unknown type 'strng'"
    ),
    Injection(
        "    pattern: '^\\d{5}(-\\d{4})?$'",
        "    pattern: '^\\d{5}(-\\d{4}?$'",
        "types.ZipCode.pattern",
        "not a valid regular expression",
    ),
    Injection(
        "  MiddleName: {type: string, label: Middle name}",
        "  middleName: {type: string, label: Middle name}",
        "inputs.middleName",
        "must start with an upper-case letter",
    ),
    Injection(
        "  CreditScore: {type: integer, min: 300, max: 850}",
        "  CreditScore: {type: integer, min: 300, max: 850, initial: 900}",
        "variables.CreditScore.initial",
        "must be at most 850",
    ),
    Injection(
        "  LoanDenyReason: string",
        "  LoanDenyReason: {type: string, min: 1}",
        "variables.LoanDenyReason.min",
        "min and max do not apply to a string",
    ),
    Injection(
        '          LoanID: ="CL-" & PadLeft(ToString(Flow.Id), 6, "0")',
        '          LoanID: ="CL-" & PadLeft(ToString(Flow.Idd), 6, "0")',
        "states.Collect Information.actions[0].LoanID",
        "Flow has no fact 'Idd'",
    ),
    Injection(
        '          if: FullName = ""',
        '          if: FullName & ""',
        "states.Collect Information.actions[1].if",
        "boolean",
    ),
    Injection(
        "      - assign: {Status: Checking Credit}",
        "      - assign: {Statsu: Checking Credit}",
        "states.Credit Check.actions[0].Statsu",
        "did you mean 'Status'?",
    ),
    Injection(
        "                  inputs: {Reason: credit score unavailable}",
        "                  inputs: {Reasn: credit score unavailable}",
        "states.Credit Check.actions[1].exits.Unavailable[1].inputs.Reasn",
        "state 'Review' has no input 'Reasn' (did you mean 'Reason'?)",
    ),
    Injection(
        "      - assign: {DateCompleted: =Now()}",
        "      - end process",
        "states.Notify.actions[2]",
        "can never run",
        offset=1,  # the action after the injected end process
    ),
    Injection(
        "          index: Position",
        "          index: Digit",
        "tasks.Check Credit.actions[2].index",
        "must be an integer variable",
    ),
    Injection(
        "      - end task",
        "      - assign: {Score: 0}",
        "tasks.Check Credit.actions",
        "reaches its end without end task",
        offset=-25,  # at the task's 'actions:' key
    ),
]


@pytest.fixture(scope="module")
def example() -> str:
    if not EXAMPLE.exists():
        pytest.skip("examples/car_loan.yaml is not in this checkout")
    return EXAMPLE.read_text(encoding="utf-8")


def test_the_example_is_valid() -> None:
    definition = load_file(EXAMPLE)
    assert definition.name == "Car Loan"


def _line_of(lines: list[str], text: str) -> int:
    matches = [number for number, line in enumerate(lines, start=1) if line == text]
    assert len(matches) == 1, f"the example should have exactly one line {text!r}"
    return matches[0]


def test_every_injected_problem_is_reported_at_once(example: str) -> None:
    lines = example.splitlines()
    expected: list[tuple[str, int, str]] = []
    for injection in INJECTIONS:
        number = _line_of(lines, injection.line_text)
        lines[number - 1] = injection.replacement
        line = number + injection.offset
        expected.append((injection.path, line, injection.words))
    with pytest.raises(DefinitionError) as caught:
        load_text("\n".join(lines) + "\n", "car_loan.yaml")
    found = caught.value.problems
    listed = "\n".join(p.describe("car_loan.yaml") for p in found)
    for path, line, words in expected:
        matches = [p for p in found if p.path == path]
        assert matches, f"nothing reported at {path}; got:\n{listed}"
        assert any(words in p.message for p in matches), f"{path}: {words!r} not in:\n{listed}"
        assert any(p.line == line for p in matches), f"{path}: not at line {line}:\n{listed}"
    assert len({p.path for p in found}) >= len(INJECTIONS)
    # A declaration with a bad constraint is still a variable: its uses are not "unknown".
    assert not [p for p in found if "unknown variable 'LoanDenyReason'" in p.message], listed
    # A custom type's bad pattern is reported once, not again at each variable of the type.
    assert sum("not a valid regular expression" in p.message for p in found) == 1, listed
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)
