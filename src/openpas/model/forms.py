"""Work item definitions: forms of pages, controls bound to variables, and buttons.

The buttons that finish a work item are the exits of the action that sent it
(``send work item to user``, ``send work item to workgroup``); a button with
``next page`` moves to another page instead, after running its actions.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from openpas.model.actions import BlockType
from openpas.model.spec import Spec
from openpas.model.variables import Variables

if TYPE_CHECKING:
    from openpas.model.actions.base import Block


class Direction(enum.Enum):
    """Which way a control moves data."""

    DISPLAY = "display"
    """Shows the variable's value; the user cannot change it."""
    INPUT = "input"
    """Starts empty; what the user types goes into the variable."""
    BOTH = "both"
    """Shows the value and writes back what the user changes."""


class ControlKind(enum.Enum):
    """How a control looks; by default it follows the bound variable's type."""

    TEXT = "text"
    TEXT_AREA = "text area"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    CHECKBOX = "checkbox"
    CHOICE = "choice"
    RADIO = "radio"
    TABLE = "table"
    PASSWORD = "password"  # noqa: S105 - the name of a control kind
    LINK = "link"
    IMAGE = "image"
    LABEL = "label"


class Control(Spec):
    """One control of a page: bound to a variable (``field``) or static ``text``."""

    field: str | None = Field(None, description="The variable the control shows or edits.")
    text: str | None = Field(None, description="Static text, for a control bound to nothing.")
    label: str | None = Field(None, description="The caption; by default the variable's label.")
    control: ControlKind | None = None
    direction: Direction | None = Field(None, description="display, input or both (default).")
    required: bool = False
    read_only: bool = Field(False, alias="read only")
    choices_from: str | None = Field(
        None, alias="choices from", description="A collection variable listing the choices."
    )
    columns: list[str] | None = Field(None, description="Fields shown by a table.")
    multi_select: bool = Field(False, alias="multi select")
    help: str | None = None

    @property
    def effective_direction(self) -> Direction:
        if self.direction is not None:
            return self.direction
        return Direction.DISPLAY if self.read_only or self.field is None else Direction.BOTH


class ButtonKind(enum.Enum):
    """What a button does with the page's values."""

    SUBMIT = "submit"
    """Checks the page (required fields, constraints) and keeps its values."""
    CANCEL = "cancel"
    """Always enabled; leaves without checking or keeping the page's values."""


_BUTTON_KEYS = {"name", "kind", "next page", "actions"}


def _button_shorthand(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((key, kind),) = value.items()
        if key not in _BUTTON_KEYS and (kind is None or isinstance(kind, str)):
            return {"name": key, "kind": kind or "submit"}
    if isinstance(value, str):
        return {"name": value}
    return value


class Button(Spec):
    """A button: an exit of the sending action, or a move to another page."""

    name: str
    kind: ButtonKind = ButtonKind.SUBMIT
    next_page: str | None = Field(None, alias="next page")
    actions: Block = Field((), description="Actions run before moving to the next page.")


class Page(Spec):
    """One page of a work item."""

    name: str | None = Field(None, description="Unique in the work item; Page<N> by default.")
    title: str | None = None
    controls: list[Control] = Field(default_factory=list)
    buttons: list[Annotated[Button, BeforeValidator(_button_shorthand)]] = Field(
        default_factory=list
    )


class WorkItemSpec(Spec):
    """A form people fill in, page by page."""

    category: str = ""
    description: str = ""
    details: list[str] = Field(
        default_factory=list, description="The variables that identify the work item to people."
    )
    variables: Variables = Field(default_factory=dict)
    pages: list[Page] = Field(default_factory=list)

    @model_validator(mode="after")
    def _name_pages(self) -> WorkItemSpec:
        for number, page in enumerate(self.pages, start=1):
            if page.name is None:
                object.__setattr__(page, "name", f"Page{number}")
        return self

    def page(self, name: str) -> Page | None:
        """The page of that name."""
        return next((p for p in self.pages if p.name == name), None)

    def exits(self) -> dict[str, Button]:
        """The buttons that finish the work item, by name: the exits of the sending action."""
        result: dict[str, Button] = {}
        for page in self.pages:
            for button in page.buttons:
                if button.next_page is None:
                    result.setdefault(button.name, button)
        return result


Button.model_rebuild(_types_namespace={"Block": BlockType})
Page.model_rebuild()
WorkItemSpec.model_rebuild()
