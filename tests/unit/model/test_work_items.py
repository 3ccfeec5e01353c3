"""Work item definitions: details, pages, controls and buttons."""

from __future__ import annotations

from .conftest import at, load, only, problems

HEAD = """
process: P
start: A
variables:
  Name: string
  Secret: string
  Approved: boolean
  Amount: decimal
states:
  A:
    actions: [end process]
work items:
  W:
"""


def item(body: str) -> str:
    """A process with work item W written as ``body`` (indented by 4)."""
    return HEAD + body


def test_a_complete_work_item_is_valid() -> None:
    definition = load(
        item(
            "    details: [Name]\n    pages:\n"
            "      - controls: [{field: Name, required: true}, {field: Approved}]\n"
            "        buttons: [Submit, {Cancel: cancel}]\n"
        )
    )
    assert list(definition.work_item("W").exits()) == ["Submit", "Cancel"]


def test_no_dynamic_details_and_no_pages() -> None:
    found = problems(item("    category: Loans\n"))
    assert [p.path for p in found] == ["work items.W", "work items.W"]
    assert "has no dynamic details" in found[0].message
    assert "has no pages" in found[1].message
    assert found[0].line == 12


def test_details_naming_unknown_variables() -> None:
    problem = only(item("    details: [Nme]\n    pages: [{buttons: [OK]}]\n"))
    assert problem.path == "work items.W.details[0]"
    assert problem.line == 13
    assert "unknown variable 'Nme' (did you mean 'Name'?)" in problem.message


def test_page_without_buttons() -> None:
    problem = only(item("    details: [Name]\n    pages: [{controls: [{field: Name}]}]\n"))
    assert problem.path == "work items.W.pages[0].buttons"
    assert "at least one submit or cancel button" in problem.message


def test_duplicate_page_and_button_names() -> None:
    found = problems(
        item(
            "    details: [Name]\n    pages:\n"
            "      - {name: One, buttons: [OK, OK]}\n"
            "      - {name: One, buttons: [OK]}\n"
        )
    )
    assert "two pages are named 'One'" in at(found, "work items.W.pages[1].name").message
    duplicate = at(found, "work items.W.pages[0].buttons[1]")
    assert duplicate.line == 15
    assert "two buttons are named 'OK'" in duplicate.message


def test_next_page_to_an_unknown_page() -> None:
    problem = only(
        item(
            "    details: [Name]\n    pages:\n"
            "      - {name: First, buttons: [{name: Next, next page: Secnd}]}\n"
            "      - {name: Second, buttons: [Done]}\n"
        )
    )
    assert problem.path == "work items.W.pages[0].buttons[0].next page"
    assert problem.line == 15
    assert "unknown page 'Secnd' (did you mean 'Second'?)" in problem.message


def test_control_bound_to_an_unknown_variable() -> None:
    problem = only(
        item("    details: [Name]\n    pages: [{controls: [{field: Amout}], buttons: [OK]}]\n")
    )
    assert problem.path == "work items.W.pages[0].controls[0].field"
    assert problem.line == 14
    assert "did you mean 'Amount'?" in problem.message


def test_read_only_with_input_direction() -> None:
    problem = only(
        item(
            "    details: [Name]\n    pages:\n"
            "      - controls: [{field: Name, read only: true, direction: input}]\n"
            "        buttons: [OK]\n"
        )
    )
    assert problem.path == "work items.W.pages[0].controls[0].direction"
    assert "a read-only control can only display its variable" in problem.message


def test_checkbox_on_a_non_boolean() -> None:
    problem = only(
        item(
            "    details: [Name]\n    pages:\n"
            "      - controls: [{field: Amount, control: checkbox}]\n        buttons: [OK]\n"
        )
    )
    assert problem.path == "work items.W.pages[0].controls[0].control"
    assert "a checkbox needs a boolean, not a decimal" in problem.message


def test_password_box_sharing_its_variable() -> None:
    problem = only(
        item(
            "    details: [Name]\n    pages:\n"
            "      - controls:\n"
            "          - {field: Secret, control: password}\n"
            "          - {field: Secret, read only: true}\n"
            "        buttons: [OK]\n"
        )
    )
    assert problem.path == "work items.W.pages[0].controls[0]"
    assert problem.line == 16
    assert "password box's variable 'Secret' is also bound by another control" in problem.message


def test_control_with_neither_field_nor_text() -> None:
    problem = only(
        item("    details: [Name]\n    pages: [{controls: [{label: Hello}], buttons: [OK]}]\n")
    )
    assert "either a variable (field) or static text" in problem.message


def test_an_unknown_work_item_variable_type() -> None:
    problem = only(
        item("    variables: {Note: txt}\n    details: [Name]\n    pages: [{buttons: [OK]}]\n")
    )
    assert problem.path == "work items.W.variables.Note.type"
    assert problem.line == 13
