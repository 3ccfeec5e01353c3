"""Reading documents: YAML 1.2 scalars, exact numbers, duplicates, JSON, limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openpas.errors import DefinitionError
from openpas.model import load_text
from openpas.model import source as source_module
from openpas.model.source import SourceError, parse

from .conftest import dedent, load, only, problems

MINIMAL = """
process: P
start: A
states:
  A:
    actions: [end process]
"""


def read(text: str, name: str | None = None) -> object:
    return parse(dedent(text), name).data


def test_invalid_yaml_reports_line_and_column() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions: [end process
        """
    )
    assert problem.code == "syntax"
    assert problem.line == 6
    assert problem.column is not None
    assert "not valid YAML" in problem.message


def test_bad_indentation_is_reported_where_it_is() -> None:
    problem = only("process: P\nstart: A\n  states: x\n")
    assert problem.line == 3
    assert "not valid YAML" in problem.message


def test_duplicate_key_is_a_problem_at_the_second_one() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions: [end process]
          A:
            actions: [end process]
        """
    )
    assert problem.code == "duplicate"
    assert problem.path == "states"
    assert problem.line == 6
    assert "'A' is written twice" in problem.message


def test_every_duplicate_key_is_reported_at_once() -> None:
    found = problems("process: P\nprocess: Q\nstart: A\nstart: B\n")
    assert [(p.line, p.code) for p in found] == [(2, "duplicate"), (4, "duplicate")]


def test_yes_no_on_stay_text() -> None:
    data = read("yes: no\non: off\nNO: y\nflag: true\nother: False\n")
    assert data == {"yes": "no", "on": "off", "NO": "y", "flag": True, "other": False}


def test_yes_and_no_are_the_branches_of_a_decision() -> None:
    definition = load(
        """
        process: P
        start: A
        variables: {X: {type: integer, initial: 1}}
        states:
          A:
            actions:
              - decision:
                  if: X > 0
                  yes: [end process]
                  no: [end process]
        """
    )
    decision = definition.state("A").actions[0].spec
    assert decision.exits()["yes"] and decision.exits()["no"]


def test_numbers_are_exact() -> None:
    data = read("a: 0.1\nb: 12\nc: 1e3\nd: -2.50\ne: 0x1F\nf: 0o17\n")
    assert data == {
        "a": Decimal("0.1"),
        "b": 12,
        "c": Decimal("1e3"),
        "d": Decimal("-2.50"),
        "e": 31,
        "f": 15,
    }
    assert isinstance(data["a"], Decimal)  # type: ignore[index]
    assert type(data["b"]) is int  # type: ignore[index]


def test_decimal_initial_value_stays_exact() -> None:
    definition = load(
        """
        process: P
        start: A
        variables: {Rate: {type: decimal, initial: 0.1}}
        states:
          A:
            actions: [end process]
        """
    )
    assert definition.variables["Rate"].decl.initial == Decimal("0.1")


def test_dates_times_and_sexagesimals_stay_text() -> None:
    data = read("d: 2024-01-31\nt: 2024-01-31T10:00:00Z\nm: 1:30\nv: 1.2.3\n")
    assert data == {"d": "2024-01-31", "t": "2024-01-31T10:00:00Z", "m": "1:30", "v": "1.2.3"}
    assert not any(isinstance(v, dt.date) for v in data.values())  # type: ignore[union-attr]


def test_quoted_and_explicitly_tagged_scalars_stay_text() -> None:
    assert read("a: '12'\nb: \"true\"\nc: !!str 5\nd: |\n  7\n") == {
        "a": "12",
        "b": "true",
        "c": "5",
        "d": "7\n",
    }


def test_null_forms() -> None:
    assert read("a:\nb: ~\nc: null\n") == {"a": None, "b": None, "c": None}


def test_keys_are_read_as_written() -> None:
    # Keys are names: 1, true and null as keys are the texts, exactly as in JSON.
    assert read("1: a\ntrue: b\nnull: c\n0.50: d\n") == {
        "1": "a",
        "true": "b",
        "null": "c",
        "0.50": "d",
    }


def test_a_numeric_state_name_gets_a_naming_problem_not_a_crash() -> None:
    found = problems(
        """
        process: P
        start: A
        states:
          1:
            actions: [end process]
          A:
            actions: [end process]
        """
    )
    problem = next(p for p in found if p.path == "states.1")
    assert problem.line == 4
    assert "upper-case letter" in problem.message


def test_json_document_is_accepted() -> None:
    text = '{"process": "P", "start": "A", "states": {"A": {"actions": ["end process"]}}}'
    assert load_text(text, "p.json").name == "P"
    assert load_text(text).name == "P"


def test_json_with_tabs_is_accepted_with_lines() -> None:
    text = (
        '{\n\t"process": "P",\n\t"start": "A",\n\t"rate": 0.1,\n'
        '\t"states": {"A": {"actions": ["end process"]}}\n}'
    )
    with pytest.raises(DefinitionError) as caught:
        load_text(text, "p.json")
    (problem,) = caught.value.problems
    assert problem.path == "rate"
    assert problem.line == 4
    assert "unknown key 'rate'" in problem.message
    data = parse(text.replace('\t"rate": 0.1,\n', "")).data
    assert data["process"] == "P"  # type: ignore[index]


def test_json_with_tabs_and_an_error_names_its_line() -> None:
    problem = only('{\n\t"process": "P",\n\t"start": \n}', "p.json")
    assert problem.path == "start"
    assert problem.line == 3
    assert "expected text" in problem.message


def test_json_numbers_are_exact() -> None:
    data = parse('{\n\t"a": 0.1,\n\t"b": 2\n}', "p.json").data
    assert data == {"a": Decimal("0.1"), "b": 2}


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("- a\n- b\n", "a list of 2 items"),
        ("hello\n", "'hello'"),
        ("42\n", "42"),
    ],
)
def test_a_document_that_is_not_a_mapping(text: str, described: str) -> None:
    problem = only(text)
    assert problem.code == "document"
    assert problem.line == 1
    assert "a process document is a mapping" in problem.message
    assert described in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_an_empty_document(text: str) -> None:
    problem = only(text)
    assert "process: <name>" in problem.message
    assert "nothing" in problem.message


def test_alias_bomb_is_refused_with_a_size_problem() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    problem = only("\n".join(lines) + "\n")
    assert problem.code == "size"
    assert "more than" in problem.message
    assert "values" in problem.message


def test_a_self_referencing_alias_is_refused() -> None:
    problem = only("a: &x [1, *x]\n")
    assert problem.code == "alias"
    assert "refers to itself" in problem.message


def test_huge_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_module, "MAX_SOURCE_BYTES", 1000)
    problem = only(MINIMAL + "# " + "x" * 1000 + "\n")
    assert problem.code == "size"
    assert "larger than 1,000 bytes" in problem.message


def test_the_real_size_limit_is_a_few_megabytes() -> None:
    with pytest.raises(SourceError) as caught:
        parse("a: " + "x" * (source_module.MAX_SOURCE_BYTES + 1))
    assert caught.value.problems[0].code == "size"


def test_deep_nesting_is_refused() -> None:
    problem = only("a: " + "[" * 300 + "]" * 300 + "\n")
    assert problem.code == "size"
    assert "nested more than 200 levels" in problem.message


def test_deeply_nested_actions_are_refused_not_crashed() -> None:
    nested = "[{decision: {if: true, yes: " * 90 + "[end process]" + "}}]" * 90
    problem = only(f"process: P\nstart: A\nstates:\n  A:\n    actions: {nested}\n")
    assert problem.line == 5
    assert "nested" in problem.message


@pytest.mark.parametrize("number", ["9" * 5000, "1e999999999", "-1e-99999"])
def test_absurd_numbers_are_refused_where_they_are(number: str) -> None:
    problem = only(f"process: P\nstart: A\nvariables:\n  X: {{type: decimal, initial: {number}}}\n")
    assert problem.code == "number"
    assert problem.path == "variables.X.initial"
    assert problem.line == 4


def test_absurd_numbers_in_json_are_refused() -> None:
    problem = only('{"process": ' + "9" * 5000 + "}", "p.json")
    assert problem.code == "number"


def test_a_control_character_is_reported_with_its_line() -> None:
    problem = only("process: P\nstart: A\x00\n")
    assert (problem.line, problem.column) == (2, 9)
    assert "U+0000" in problem.message


def test_a_lone_surrogate_is_reported_with_its_line() -> None:
    problem = only("process: P\nstart: \ud800\n")
    assert (problem.line, problem.column) == (2, 8)
    assert "not valid Unicode" in problem.message


def test_a_key_that_is_a_list_is_refused() -> None:
    problem = only("? [a, b]\n: c\n")
    assert problem.code == "key"
    assert "plain name" in problem.message


def test_a_bad_merge_key_is_refused() -> None:
    problem = only("<<: 5\nprocess: P\n")
    assert "merge key" in problem.message


def test_merge_keys_work() -> None:
    data = read("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert data == {"base": {"x": 1, "y": 2}, "other": {"x": 1, "y": 3}}


def test_source_positions_are_by_path() -> None:
    source = parse(dedent(MINIMAL))
    assert source.position(("states", "A", "actions", 0)) == (5, 15)
    assert source.position(("states", "A", "nothing", "here"))[0] == 4
