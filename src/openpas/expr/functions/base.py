"""How library functions are declared: a signature line and a documented Python function.

A function is registered with the :func:`function` decorator::

    @function("Left(text: string, count: integer) -> string")
    def left(text: str, count: int) -> str:
        '''The first ``count`` characters of ``text``.'''

Signature types are the built-in type names plus:

* ``number`` (integer or decimal), ``any``, ``list`` (a list of anything);
* type variables, bound on first use and unified after: ``T`` (any type),
  ``O`` (an ordered type), ``N`` (a number; integer with decimal gives decimal),
  ``D`` (date or datetime);
* ``list<X>`` and unions ``a|b``; a parameter named ``name?`` may be omitted.

A function may declare several signatures (forms); the first that fits wins.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from openpas.expr.checker import ORDERED_KINDS, a, unify
from openpas.expr.runtime import Failure
from openpas.expr.types import ANY, BUILTIN_TYPES, Kind, Type, is_assignable, list_of

__all__ = ["REGISTRY", "Failure", "Form", "Function", "SignatureError", "function"]

_TYPE_VARS: Final[dict[str, frozenset[Kind] | None]] = {
    "T": None,
    "O": ORDERED_KINDS,
    "N": frozenset({Kind.INTEGER, Kind.DECIMAL}),
    "D": frozenset({Kind.DATE, Kind.DATETIME}),
}
_SIGNATURE = re.compile(r"^(?P<name>[A-Z][A-Za-z]*)\((?P<params>.*)\) -> (?P<result>\S+)$")


class SignatureError(Exception):
    """Arguments do not fit a function; ``index`` is the 0-based argument at fault, if any."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


@dataclass(frozen=True)
class Param:
    name: str
    spec: str
    optional: bool


@dataclass(frozen=True)
class Form:
    """One signature of a function."""

    text: str
    params: tuple[Param, ...]
    result: str

    @property
    def required(self) -> int:
        return sum(1 for p in self.params if not p.optional)

    def bind(self, args: Sequence[Type]) -> Type:
        """The result type for ``args``.

        Raises:
            SignatureError: naming the argument that does not fit.
        """
        if not self.required <= len(args) <= len(self.params):
            count = (
                str(self.required)
                if self.required == len(self.params)
                else f"{self.required} to {len(self.params)}"
            )
            plural = "" if count == "1" else "s"
            raise SignatureError(f"expects {count} argument{plural}: {self.text}, got {len(args)}")
        binds: dict[str, Type] = {}
        for index, (param, actual) in enumerate(zip(self.params, args, strict=False)):
            if not _match(param.spec, actual, binds):
                raise SignatureError(
                    f"argument {index + 1} ({param.name}) must be {_describe(param.spec, binds)},"
                    f" not {a(actual)}",
                    index,
                )
        return _resolve(self.result, binds)


@dataclass(frozen=True)
class Function:
    """A library function.

    Attributes:
        name: how expressions call it (PascalCase, case-sensitive).
        forms: its signatures, tried in order.
        doc: what it does (the Python docstring).
        impl: the implementation; receives the argument values (and the runtime
            scope first when ``needs_scope``).
        strict: whether NOT SET arguments are an error (False for IsSet, Default, ToString).
        needs_scope: whether ``impl`` takes the runtime scope as its first argument.
        literals: positions of arguments that must be literals, given to ``prepare``
            when the expression is checked.
        prepare: turns a literal argument into what ``impl`` receives (e.g. a compiled regex).
        typed: whether ``impl`` takes the checked result type first (after the scope).
    """

    name: str
    forms: tuple[Form, ...]
    doc: str
    impl: Callable[..., Any]
    strict: bool = True
    needs_scope: bool = False
    literals: tuple[int, ...] = ()
    prepare: Callable[[Any], Any] | None = None
    typed: bool = False

    def check(self, args: Sequence[Type]) -> Type:
        """The result type for arguments of types ``args``.

        Raises:
            SignatureError: no form fits.
        """
        errors = []
        for form in self.forms:
            try:
                return form.bind(args)
            except SignatureError as exc:
                errors.append(exc)
        fitting = [e for e in errors if e.index is not None]  # the forms with the right arity
        if len(fitting) == 1:
            errors = fitting
        if len(errors) == 1:
            raise SignatureError(f"{self.name} {errors[0].message}", errors[0].index)
        shown = ", ".join(a(t) for t in args) or "no arguments"
        forms = "; ".join(f.text for f in self.forms)
        raise SignatureError(f"{self.name} cannot take {shown}; its forms are: {forms}")

    @property
    def signature(self) -> str:
        return " | ".join(form.text for form in self.forms)


REGISTRY: dict[str, Function] = {}
"""Every library function by name (filled by the family modules when imported)."""


def function(
    *signatures: str,
    strict: bool = True,
    needs_scope: bool = False,
    literals: tuple[int, ...] = (),
    prepare: Callable[[Any], Any] | None = None,
    typed: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated Python function as a library function (see the module doc)."""
    forms = tuple(_parse(text) for text in signatures)
    names = {form.text.split("(")[0] for form in forms}
    assert len(names) == 1, signatures
    name = names.pop()

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        doc = inspect.getdoc(impl) or ""
        assert doc, f"{name} needs a docstring"
        assert name not in REGISTRY, f"{name} is registered twice"
        REGISTRY[name] = Function(
            name, forms, doc, impl, strict, needs_scope, literals, prepare, typed
        )
        return impl

    return register


def _parse(text: str) -> Form:
    match = _SIGNATURE.match(text)
    assert match, f"bad signature {text!r}"
    params = []
    for raw in filter(None, (p.strip() for p in match.group("params").split(","))):
        pname, _, spec = raw.partition(":")
        pname = pname.strip()
        params.append(Param(pname.rstrip("?"), spec.strip(), pname.endswith("?")))
    return Form(text, tuple(params), match.group("result"))


def _match(spec: str, actual: Type, binds: dict[str, Type]) -> bool:
    if "|" in spec:
        return any(_match(alt, actual, binds) for alt in spec.split("|"))
    if actual.kind in (Kind.NOTSET, Kind.ANY) or spec == "any":
        return True
    if spec == "number":
        return actual.is_numeric
    if spec == "list":
        return actual.is_list
    if spec.startswith("list<"):
        return actual.is_list and _match(spec[5:-1], actual.element(), binds)
    if spec in _TYPE_VARS:
        allowed = _TYPE_VARS[spec]
        if allowed is not None and actual.kind not in allowed:
            return False
        bound = binds.get(spec)
        joined = actual if bound is None else unify(bound, actual)
        if joined is None:
            return False
        binds[spec] = joined
        return True
    return is_assignable(BUILTIN_TYPES[spec], actual)


def _resolve(spec: str, binds: Mapping[str, Type]) -> Type:
    if spec.startswith("list<"):
        return list_of(_resolve(spec[5:-1], binds))
    if spec in _TYPE_VARS:
        return binds.get(spec, ANY)
    if spec == "any":
        return ANY
    return BUILTIN_TYPES[spec]


def _describe(spec: str, binds: Mapping[str, Type]) -> str:
    words = {
        "number": "a number",
        "any": "a value",
        "list": "a list",
        "O": "an ordered value (number, currency, text, date, time or duration)",
        "N": "a number",
        "D": "a date or a datetime",
        "T": "a value",
    }
    parts = []
    for alt in spec.split("|"):
        if alt in binds:
            parts.append(a(binds[alt]))
        elif alt.startswith("list<"):
            inner = alt[5:-1]
            parts.append(f"a list of {binds.get(inner, inner)}")
        else:
            parts.append(words.get(alt) or a(alt))
    return " or ".join(parts)
