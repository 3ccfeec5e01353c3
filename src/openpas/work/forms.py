"""The data of a work item's form: its working copy, what a page shows, what people change.

The server validates every submitted page with the same rules the definition
declares (types, constraints, required fields) and answers with each invalid
field and its reason; holding keeps only the values that are valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpas.errors import LiteralError, OpenpasError
from openpas.expr import values
from openpas.expr.scope import LOCAL, PROCESS, UnknownName
from openpas.expr.types import Kind, Type
from openpas.expr.values import NOT_SET
from openpas.model.definition import Definition
from openpas.model.forms import Button, ButtonKind, Control, Direction, Page, WorkItemSpec
from openpas.model.scopes import Variable, parse_target
from openpas.model.variables import Constraints, SimpleTypeDecl

Data = dict[str, dict[str, Any]]
"""``{"process": {name: value}, "local": {name: value}}``: typed values."""


class InvalidFields(OpenpasError):
    """Some fields of the page are not valid."""

    def __init__(self, invalid: Mapping[str, str]) -> None:
        self.invalid = dict(invalid)
        listed = "; ".join(f"{name}: {reason}" for name, reason in self.invalid.items())
        super().__init__(f"the page has invalid fields: {listed}")


@dataclass(frozen=True)
class Binding:
    """Where a control's field lives and what it is."""

    control: Control
    scope: str
    variable: Variable

    @property
    def key(self) -> str:
        return self.control.field or ""

    @property
    def editable(self) -> bool:
        return not self.control.read_only and self.control.effective_direction is not (
            Direction.DISPLAY
        )


@dataclass(frozen=True)
class FieldView:
    """One control of a page as a client draws it (the value in text, or NOT SET)."""

    key: str
    label: str
    type: str
    control: str
    editable: bool
    required: bool
    value: Any
    choices: tuple[Any, ...] | None = None
    help: str | None = None
    secured: str | None = None
    """The security specification of the bound variable, if any."""
    rules: tuple[str, ...] = ()
    constraints: tuple[dict[str, Any], ...] = ()
    """The declared constraints that apply to the value, as data a client can check while
    the user types (each dict is one declaration: a custom type's, then the variable's;
    all of them apply): ``min``/``max`` (text), ``min_length``, ``max_length``,
    ``pattern``, ``characters``, ``choices``, ``decimal_places``, ``min_items``,
    ``max_items``, ``trim``."""
    columns: tuple[str, ...] | None = None
    """For a table: the fields shown, in order."""
    multi_select: bool = False


@dataclass(frozen=True)
class PageView:
    """A page as a client draws it."""

    name: str
    title: str
    fields: tuple[FieldView, ...]
    texts: tuple[str, ...]
    buttons: tuple[tuple[str, str], ...]
    """(name, kind) of each button."""
    number: int = 1
    count: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


def spec_of(definition: Definition, name: str) -> WorkItemSpec:
    return definition.work_item(name)


def bindings(definition: Definition, work_item: str, page: Page) -> list[Binding]:
    """The controls of a page that are bound to a variable, resolved."""
    scope = definition.scope("work item", work_item)
    found = []
    for control in page.controls:
        if control.field is None:
            continue
        target = parse_target(control.field)
        try:
            ref = scope.resolve(target.prefix, target.name)
        except UnknownName:  # pragma: no cover - validated with the definition
            continue
        variable = scope.variable(ref)
        if variable is not None:
            found.append(Binding(control, ref.scope, variable))
    return found


def decode(definition: Definition, work_item: str, data: Mapping[str, Any]) -> Data:
    """The typed working copy stored as ``data``."""
    local = definition.work_items[work_item]
    return {
        PROCESS: {
            name: values.decode(raw, definition.variables[name].type)
            for name, raw in (data.get(PROCESS) or {}).items()
            if name in definition.variables
        },
        LOCAL: {
            name: values.decode(raw, local[name].type)
            for name, raw in (data.get(LOCAL) or {}).items()
            if name in local
        },
    }


def encode(definition: Definition, work_item: str, data: Data) -> dict[str, Any]:
    """The stored form of a typed working copy."""
    local = definition.work_items[work_item]
    return {
        PROCESS: {
            name: values.encode(value, definition.variables[name].type)
            for name, value in data.get(PROCESS, {}).items()
            if name in definition.variables
        },
        LOCAL: {
            name: values.encode(value, local[name].type)
            for name, value in data.get(LOCAL, {}).items()
            if name in local
        },
    }


def page_of(spec: WorkItemSpec, name: str) -> Page:
    page = spec.page(name)
    if page is None:
        raise OpenpasError(f"the work item has no page {name!r}")
    return page


def view(definition: Definition, work_item: str, page_name: str, data: Data) -> PageView:
    """What a client shows of a page, with the current values."""
    spec = spec_of(definition, work_item)
    page = page_of(spec, page_name)
    fields = []
    for binding in bindings(definition, work_item, page):
        variable = binding.variable
        control = binding.control
        value = data.get(binding.scope, {}).get(variable.name, NOT_SET)
        choices = None
        if variable.decl.choices is not None:
            choices = tuple(
                values.format_value(values.parse_literal(c, variable.type, definition.zone))
                for c in variable.decl.choices
            )
        if control.choices_from is not None:
            source = parse_target(control.choices_from)
            for scope in (LOCAL, PROCESS):
                listed = data.get(scope, {}).get(source.name)
                if isinstance(listed, tuple):
                    choices = tuple(values.format_value(v) for v in listed)
                    break
        fields.append(
            FieldView(
                key=binding.key,
                label=control.label or variable.decl.label or variable.name,
                type=str(variable.type),
                control=(
                    control.control.value if control.control else _default_control(variable.type)
                ),
                editable=binding.editable,
                required=control.required or variable.decl.required,
                value=value,
                choices=choices,
                help=control.help or (variable.decl.description or None),
                secured=variable.decl.security,
                rules=_rules_text(variable),
                constraints=constraints_of(definition, variable),
                columns=_columns(variable.type, control),
                multi_select=control.multi_select,
            )
        )
    texts = tuple(c.text for c in page.controls if c.text is not None)
    index = next(i for i, p in enumerate(spec.pages) if p.name == page.name)
    return PageView(
        name=page.name or "",
        title=page.title or page.name or "",
        fields=tuple(fields),
        texts=texts,
        buttons=tuple((b.name, b.kind.value) for b in page.buttons),
        number=index + 1,
        count=len(spec.pages),
    )


def _default_control(type_: Type) -> str:
    return {
        Kind.BOOLEAN: "checkbox",
        Kind.INTEGER: "number",
        Kind.DECIMAL: "number",
        Kind.CURRENCY: "text",
        Kind.DATE: "date",
        Kind.DATETIME: "datetime",
        Kind.TIME: "time",
        Kind.LIST: "table",
    }.get(type_.kind, "text")


def constraints_of(definition: Definition, variable: Variable) -> tuple[dict[str, Any], ...]:
    """The declarations whose constraints apply to ``variable``'s value, as plain data.

    A custom simple type's chain comes first (its base type's, then its own), then the
    variable's declaration; for a list, only the variable's own (they bound the list).
    """
    decls: list[Constraints] = []
    if variable.type.kind is not Kind.LIST:
        written = variable.decl.type.strip()
        chain: list[Constraints] = []
        seen: set[str] = set()
        while written in definition.spec.types and written not in seen:
            seen.add(written)
            found = definition.spec.types[written]
            if not isinstance(found, SimpleTypeDecl):
                break
            chain.insert(0, found)
            written = found.base.strip()
        decls += chain
    decls.append(variable.decl)
    result = []
    for decl in decls:
        plain: dict[str, Any] = {}
        for key, given in (
            ("min", decl.minimum),
            ("max", decl.maximum),
            ("min_length", decl.min_length),
            ("max_length", decl.max_length),
            ("pattern", decl.pattern),
            ("characters", decl.characters.value if decl.characters else None),
            ("decimal_places", decl.decimal_places),
            ("min_items", decl.min_items),
            ("max_items", decl.max_items),
        ):
            if given is not None:
                plain[key] = given if isinstance(given, int | str) else str(given)
        if decl.choices is not None:
            plain["choices"] = [str(c) for c in decl.choices]
        if decl.trim:
            plain["trim"] = True
        if plain:
            result.append(plain)
    return tuple(result)


def _columns(type_: Type, control: Control) -> tuple[str, ...] | None:
    if control.columns:
        return tuple(control.columns)
    base = type_.element() if type_.kind is Kind.LIST else type_
    if base.kind is Kind.COMPLEX:
        return tuple(name for name, _ in base.fields)
    return None


def _rules_text(variable: Variable) -> tuple[str, ...]:
    decl = variable.decl
    rules = []
    if decl.minimum is not None:
        rules.append(f"min {decl.minimum}")
    if decl.maximum is not None:
        rules.append(f"max {decl.maximum}")
    if decl.min_length is not None:
        rules.append(f"at least {decl.min_length} characters")
    if decl.max_length is not None:
        rules.append(f"at most {decl.max_length} characters")
    if decl.pattern is not None:
        rules.append(f"pattern {decl.pattern}")
    return tuple(rules)


def apply(
    definition: Definition,
    work_item: str,
    page_name: str,
    data: Data,
    changes: Mapping[str, Any],
    *,
    strict: bool,
) -> tuple[Data, dict[str, str]]:
    """Apply changed values to a copy of ``data``; (new data, invalid fields with reasons).

    Values may be typed or text (as a browser sends them). A field that is not
    valid keeps its last valid value. With ``strict`` (a submit button), the
    page's required fields must also be set.
    """
    page = page_of(spec_of(definition, work_item), page_name)
    result: Data = {PROCESS: dict(data.get(PROCESS, {})), LOCAL: dict(data.get(LOCAL, {}))}
    invalid: dict[str, str] = {}
    by_key = {b.key: b for b in bindings(definition, work_item, page)}
    for key, raw in changes.items():
        binding = by_key.get(key)
        if binding is None:
            invalid[key] = "this page has no such field"
            continue
        if not binding.editable:
            invalid[key] = "this field cannot be changed here"
            continue
        try:
            value = _read(raw, binding.variable, definition)
        except LiteralError as exc:
            invalid[key] = exc.message
            continue
        rules = binding.variable.rules
        value = rules.normalize(value)
        broken = [
            m for m in rules.violations(value) if not (value is NOT_SET and not rules.required)
        ]
        if broken:
            invalid[key] = "; ".join(broken)
            continue
        result[binding.scope][binding.variable.name] = value
    if strict:
        for key, binding in by_key.items():
            required = binding.control.required or binding.variable.decl.required
            current = result[binding.scope].get(binding.variable.name, NOT_SET)
            if binding.editable and required and key not in invalid and current in (NOT_SET, ""):
                invalid[key] = "a value is required"
    return result, invalid


def _read(raw: Any, variable: Variable, definition: Definition) -> Any:
    type_ = variable.type
    # A field left empty holds no value (text included): a pattern or a minimum length
    # does not apply to it, and "a value is required" does when the field is required.
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return NOT_SET
    if values.conforms(raw, type_) and not isinstance(raw, str | list | dict):
        return values.coerce(raw, type_)
    if type_.kind is Kind.BOOLEAN and isinstance(raw, str) and raw.lower() in ("on", "yes"):
        return True
    if type_.kind is Kind.LIST and isinstance(raw, str):
        raw = [part.strip() for part in raw.splitlines() if part.strip()]
    return values.coerce(values.parse_literal(raw, type_, definition.zone), type_)


def button_of(page: Page, name: str) -> Button:
    for button in page.buttons:
        if button.name == name:
            return button
    known = ", ".join(b.name for b in page.buttons)
    raise OpenpasError(f"the page has no button {name!r}; its buttons: {known}")


def is_cancel(button: Button) -> bool:
    return button.kind is ButtonKind.CANCEL
