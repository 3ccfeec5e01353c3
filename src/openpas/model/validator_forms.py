"""Validation of work items: details, pages, controls and buttons."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from openpas.expr.scope import FLOW, UnknownName
from openpas.expr.types import Kind
from openpas.model.actions.base import Path, Where
from openpas.model.forms import Control, ControlKind, Direction, Page, WorkItemSpec
from openpas.model.naming import element_problem, suggest
from openpas.model.scopes import NameScope, Variable

if TYPE_CHECKING:
    from openpas.model.validator import Validator

MAX_PAGES_ADVISED = 7


def check_work_item(validator: Validator, name: str, item: WorkItemSpec) -> None:
    """Report every problem of one work item definition."""
    root: Path = ("work items", name)
    local = validator.local_vars.get(("work item", name), {})
    scope = NameScope(validator.process_vars, local, f"work item {name!r}")
    if not item.details:
        validator.report(
            root,
            f"the work item {name!r} has no dynamic details; list the variables that tell "
            "its items apart (details: [LastName, LoanID])",
            "details",
        )
    for index, detail in enumerate(item.details):
        _resolve(validator, scope, (*root, "details", index), detail, "dynamic detail")
    if not item.pages:
        validator.report(root, f"the work item {name!r} has no pages", "empty")
    elif len(item.pages) > MAX_PAGES_ADVISED:
        validator.report(
            (*root, "pages"),
            f"{len(item.pages)} pages are hard to work with; consider splitting the work item",
            "pages",
            warning=True,
        )
    names = Counter(page.name for page in item.pages)
    for index, page in enumerate(item.pages):
        path: Path = (*root, "pages", index)
        if names[page.name] > 1:
            validator.report((*path, "name"), f"two pages are named {page.name!r}", "duplicate")
        problem = element_problem(page.name, "page")
        if problem:
            validator.report((*path, "name"), problem, "name")
        _check_page(validator, scope, item, page, path)


def _resolve(
    validator: Validator, scope: NameScope, path: Path, name: object, what: str
) -> Variable | None:
    if not isinstance(name, str):
        validator.report(path, f"expected a variable name, got {name!r}", "type")
        return None
    prefix, _, rest = name.partition(".") if "." in name else (None, "", name)
    try:
        ref = scope.resolve(prefix, rest)
    except UnknownName as exc:
        validator.report(path, f"the {what} {name!r}: {exc.message}", "unknown")
        return None
    if ref.scope == FLOW:
        validator.report(path, f"the {what} {name!r} must be a variable, not a flow fact")
        return None
    return scope.variable(ref)


def _check_page(
    validator: Validator, scope: NameScope, item: WorkItemSpec, page: Page, path: Path
) -> None:
    bound: Counter[str] = Counter()
    passwords: list[tuple[int, str]] = []
    for index, control in enumerate(page.controls):
        control_path: Path = (*path, "controls", index)
        variable = _check_control(validator, scope, control, control_path)
        if variable is not None:
            bound[variable.name] += 1
            if control.control is ControlKind.PASSWORD:
                passwords.append((index, variable.name))
    for index, variable_name in passwords:
        if bound[variable_name] > 1:
            validator.report(
                (*path, "controls", index),
                f"a password box's variable {variable_name!r} is also bound by another "
                "control of the page, which would show the password",
                "password",
            )
    if not page.buttons:
        validator.report(
            (*path, "buttons"), "a page needs at least one submit or cancel button", "buttons"
        )
    seen: set[str] = set()
    for index, button in enumerate(page.buttons):
        button_path: Path = (*path, "buttons", index)
        if button.name in seen:
            validator.report(button_path, f"two buttons are named {button.name!r}", "duplicate")
        seen.add(button.name)
        problem = element_problem(button.name, "button")
        if problem:
            validator.report((*button_path, "name"), problem, "name")
        if button.next_page is not None:
            pages = [p.name for p in item.pages if p.name]
            if button.next_page not in pages:
                validator.report(
                    (*button_path, "next page"),
                    f"unknown page {button.next_page!r}{suggest(button.next_page, pages)}",
                    "unknown",
                )
        elif button.actions:
            validator.report(
                (*button_path, "actions"),
                "actions on a button run between pages; a button that finishes the work item "
                "continues on the sending action's exit instead",
                "button-actions",
            )
        validator.check_block(button.actions, (*button_path, "actions"), Where.PAGE, scope)


def _check_control(
    validator: Validator, scope: NameScope, control: Control, path: Path
) -> Variable | None:
    if (control.field is None) == (control.text is None):
        validator.report(
            path, "a control shows either a variable (field) or static text", "control"
        )
        return None
    if control.field is None:
        for key, given in (("required", control.required), ("direction", control.direction)):
            if given:
                validator.report((*path, key), f"{key} applies only to controls bound to a field")
        return None
    variable = _resolve(validator, scope, (*path, "field"), control.field, "field")
    if variable is None:
        return None
    direction = control.effective_direction
    if control.read_only and direction is not Direction.DISPLAY:
        validator.report(
            (*path, "direction"), "a read-only control can only display its variable", "direction"
        )
    if control.required and direction is Direction.DISPLAY:
        validator.report(
            (*path, "required"), "a control that only displays cannot be required", "required"
        )
    kind = variable.type.kind
    if control.columns is not None:
        element = variable.type.element() if kind is Kind.LIST else variable.type
        names = [n for n, _ in element.fields]
        if element.kind is not Kind.COMPLEX:
            validator.report((*path, "columns"), "columns apply to collections of a complex type")
        for index, column in enumerate(control.columns):
            if element.kind is Kind.COMPLEX and column not in names:
                validator.report(
                    (*path, "columns", index),
                    f"{element} has no field {column!r}{suggest(column, names)}",
                    "unknown",
                )
    if control.choices_from is not None:
        source = _resolve(
            validator, scope, (*path, "choices from"), control.choices_from, "choice list"
        )
        if source is not None and source.type.kind is not Kind.LIST:
            validator.report(
                (*path, "choices from"),
                f"choices come from a collection; {source.name} is a {source.type}",
                "type",
            )
    if control.multi_select and kind is not Kind.LIST:
        validator.report((*path, "multi select"), "multi select needs a collection variable")
    if control.control is ControlKind.CHECKBOX and kind is not Kind.BOOLEAN:
        validator.report((*path, "control"), f"a checkbox needs a boolean, not a {variable.type}")
    return variable
