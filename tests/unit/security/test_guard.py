"""Cutting secured values out of messages, and what reporting may read."""

from __future__ import annotations

import textwrap

from openpas.engine.memory import run_in_memory
from openpas.model import load_text
from openpas.security.guard import reportable_values
from openpas.security.specifications import HIDDEN_TEXT, Scrubber, without_secured

LONG = "SECRET-" + "x" * 80


def test_the_text_of_every_hidden_value_is_cut_out_longest_first() -> None:
    scrub = Scrubber(["SECRET-1", "SECRET-12", ("in-a-list",), None])
    assert scrub("a SECRET-12 b SECRET-1 c in-a-list") == (
        f"a {HIDDEN_TEXT} b {HIDDEN_TEXT} c {HIDDEN_TEXT}"
    )
    assert scrub(None) is None


def test_short_values_and_booleans_are_left_alone_and_shortened_quotes_are_cut() -> None:
    scrub = Scrubber(["ab", True, 12, LONG])
    assert scrub("ab true 12") == "ab true 12"
    assert scrub(f"cannot read '{LONG[:57]}...'") == f"cannot read '{HIDDEN_TEXT}...'"


DOCUMENT = textwrap.dedent(
    """\
    process: P
    start: A
    inputs:
      SSN: {type: string, security: Personal Data}
      Name: string
    variables:
      Score: {type: integer, report: true}
    states:
      A:
        actions:
          - assign: {Score: =ToInteger(SSN)}
          - end process
    """
)


def test_an_engine_error_quoting_a_secured_value_is_written_without_it() -> None:
    definition = load_text(DOCUMENT)
    position = run_in_memory(definition, {"SSN": "SECRET-77aa", "Name": "SECRET-77"})
    assert position.error is not None and "SECRET-77aa" in position.error
    cleaned = without_secured(definition, position, position.error)
    assert cleaned is not None and "SECRET-77aa" not in cleaned and HIDDEN_TEXT in cleaned
    # A public variable's value is not a secret: only secured ones are cut.
    assert without_secured(definition, position, "SECRET-77 SECRET-77aa") == (
        f"SECRET-77 {HIDDEN_TEXT}"
    )


def test_reporting_reads_only_variables_flagged_report() -> None:
    definition = load_text(DOCUMENT)
    found = {"SSN": "1", "Name": "n", "Score": 3, "Unknown": 1}
    assert reportable_values(definition, found) == {"Score": 3}
