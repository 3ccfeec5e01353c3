"""The document's shape: unknown keys, unknown action kinds, wrong value types."""

from __future__ import annotations

from .conftest import at, only, problems


def test_unknown_top_level_key_suggests_work_items() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions: [end process]
        work_items: {}
        """
    )
    assert problem.path == "work_items"
    assert problem.line == 6
    assert problem.code == "unknown-key"
    assert "unknown key 'work_items'" in problem.message
    assert "did you mean 'work items'?" in problem.message


def test_unknown_key_in_a_state_suggests_actions() -> None:
    found = problems(
        """
        process: P
        start: A
        states:
          A:
            actoins: [end process]
        """
    )
    problem = at(found, "states.A.actoins")
    assert problem.line == 5
    assert "did you mean 'actions'?" in problem.message


def test_unknown_key_without_a_close_match_lists_the_keys() -> None:
    problem = only(
        """
        process: P
        start: A
        zzz: 1
        states:
          A:
            actions: [end process]
        """
    )
    assert "expected one of:" in problem.message
    assert "states" in problem.message


def test_unknown_key_inside_an_action_has_a_readable_path() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - decision:
                  if: true
                  yes: [end process]
                  no: [end process]
                  maybe: [end process]
        """
    )
    assert problem.path == "states.A.actions[0].maybe"
    assert problem.line == 10
    assert "unknown key 'maybe'" in problem.message


def test_unknown_action_kind_with_a_suggestion() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - end process
              - chnage state: A
        """
    )
    # the problem is the unknown kind, reported before anything semantic
    assert problem.path == "states.A.actions[1]"
    assert problem.line == 7
    assert problem.code == "unknown-action"
    assert "unknown action 'chnage state'" in problem.message
    assert "did you mean 'change state'?" in problem.message


def test_unknown_bare_action_kind() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions: [end proces]
        """
    )
    assert problem.path == "states.A.actions[0]"
    assert "did you mean 'end process'?" in problem.message


def test_action_mapping_with_two_keys() -> None:
    problem = only(
        """
        process: P
        start: A
        variables: {X: integer}
        states:
          A:
            actions:
              - assign: {X: 1}
                end process:
        """
    )
    assert problem.path == "states.A.actions[0]"
    assert problem.line == 7
    assert "'kind: parameters'" in problem.message
    assert "'assign', 'end process'" in problem.message


def test_an_empty_or_numeric_action_is_explained() -> None:
    found = problems(
        """
        process: P
        start: A
        states:
          A:
            actions:
              -
              - 5
              - end process
        """
    )
    assert [p.path for p in found] == ["states.A.actions[0]", "states.A.actions[1]"]
    assert "got nothing" in found[0].message
    assert "got 5" in found[1].message
    assert all("'kind: parameters'" in p.message for p in found)


def test_wrong_value_types_read_as_sentences() -> None:
    found = problems(
        """
        process: 5
        start: A
        details: LastName
        variables:
          X: {type: integer, required: maybe, min length: -1}
        states:
          A:
            actions: [end process]
          B: [end process]
        """
    )
    assert at(found, "process").message == "expected text, got 5"
    assert at(found, "details").message == "expected a list, got 'LastName'"
    assert at(found, "variables.X.required").message == "expected true or false, got 'maybe'"
    assert at(found, "variables.X.min length").line == 5
    states_b = at(found, "states.B")
    assert states_b.line == 9
    assert "expected a mapping of keys and values, got a list of 1 items" in states_b.message
    for problem in found:
        assert "Input should" not in problem.message
        assert "pydantic" not in problem.message


def test_missing_required_keys() -> None:
    found = problems("description: nothing else\n")
    assert {p.message for p in found} >= {"'process' is required", "'start' is required"}


def test_missing_parameter_of_an_action_names_the_action() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - decision: {yes: [end process], no: [end process]}
        """
    )
    assert problem.path == "states.A.actions[0].if"
    assert problem.line == 6
    assert problem.message == "decision needs 'if'"


def test_action_kind_keys_never_appear_in_paths() -> None:
    found = problems(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - loop:
                  times: 2
                  do:
                    - decision:
                        if: true
                        yes: [{assign: {}}]
                        no: [end process]
              - end process
        """
    )
    problem = at(found, "states.A.actions[0].do[0].yes[0]")
    assert problem.line == 11
    assert "assign needs at least one" in problem.message
    for problem in found:
        for kind in ("loop", "decision", "assign"):
            assert f".{kind}" not in problem.path


def test_wrong_type_deep_inside_a_nested_action() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - decision:
                  if: true
                  yes:
                    - loop: {times: 2, test: later, do: [end process]}
                  no: [end process]
        """
    )
    assert problem.path == "states.A.actions[0].yes[0].test"
    assert problem.line == 9
    assert "expected one of 'before' or 'after'" in problem.message
    assert "'later'" in problem.message


def test_a_null_where_a_mapping_is_expected() -> None:
    found = problems(
        """
        process: P
        start: A
        states:
          A:
        tasks:
        types:
          T:
        work items:
          W:
        """
    )
    for path in ("states.A", "types.T", "work items.W"):
        assert at(found, path).message == "expected a mapping of keys and values, got nothing"
    assert at(found, "tasks").line == 5
