"""Resolving type names: natives, ``list<T>``, and the document's custom types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from openpas.expr import types as t
from openpas.expr.types import Kind, Type
from openpas.model.constraints import RuleError, Rules, build_rules
from openpas.model.naming import identifier_problem, suggest
from openpas.model.variables import ComplexTypeDecl, Constraints, SimpleTypeDecl

Report = Callable[[tuple[str | int, ...], str, str], None]
"""(path below ``types``, message, code)"""


@dataclass
class TypeTable:
    """The custom types of one document, resolved lazily with cycle detection."""

    decls: dict[str, SimpleTypeDecl | ComplexTypeDecl]
    zone: dt.tzinfo
    report: Report
    resolved: dict[str, Type] = field(default_factory=dict)
    chains: dict[str, list[Constraints]] = field(default_factory=dict)
    field_rules: dict[str, dict[str, Rules]] = field(default_factory=dict)
    _resolving: list[str] = field(default_factory=list)
    _failed: set[str] = field(default_factory=set)

    def resolve_all(self) -> None:
        for name in self.decls:
            problem = identifier_problem(name, "type")
            if problem is not None:
                self.report((name,), problem, "name")
            elif name in t.BUILTIN_TYPES or name.lower() in t.BUILTIN_TYPES:
                self.report((name,), f"{name!r} is a native type and cannot be redefined", "name")
            self.custom(name)

    def parse(self, text: object) -> tuple[Type | None, str | None]:
        """(type, None) or (None, why the name is not a type)."""
        if not isinstance(text, str) or not text.strip():
            return None, f"expected a type name such as string or list<integer>, got {text!r}"
        name = text.strip()
        lowered = name.replace(" ", "")
        if lowered.lower().startswith("list<") and lowered.endswith(">"):
            inner, why = self.parse(lowered[5:-1])
            if inner is None:
                return None, why
            if inner.kind is Kind.LIST:
                return None, "a collection of collections is not supported; use a complex type"
            return t.list_of(inner), None
        native = t.BUILTIN_TYPES.get(name.lower())
        if native is not None:
            return native, None
        if name in self.decls:
            resolved = self.custom(name)
            if resolved is None:
                return None, f"the type {name!r} has problems of its own (under types.{name})"
            return resolved, None
        known = [*t.BUILTIN_TYPES, *self.decls]
        return None, f"unknown type {name!r}{suggest(name, known)}"

    def custom(self, name: str) -> Type | None:
        if name in self.resolved:
            return self.resolved[name]
        if name in self._failed:
            return None
        if name in self._resolving:
            cycle = " -> ".join([*self._resolving[self._resolving.index(name) :], name])
            self.report((name,), f"the type {name!r} contains itself: {cycle}", "cycle")
            self._failed.add(name)
            return None
        self._resolving.append(name)
        try:
            resolved = self._build(name, self.decls[name])
        finally:
            self._resolving.pop()
        if resolved is None:
            self._failed.add(name)
        else:
            self.resolved[name] = resolved
        return resolved

    def _build(self, name: str, decl: SimpleTypeDecl | ComplexTypeDecl) -> Type | None:
        if isinstance(decl, SimpleTypeDecl):
            base, why = self.parse(decl.base)
            if base is None:
                self.report((name, "base"), why or "unknown base type", "type")
                return None
            if base.kind in (Kind.COMPLEX, Kind.LIST):
                self.report(
                    (name, "base"), "a simple type extends a native type, not " + str(base), "type"
                )
                return None
            self.chains[name] = [*self.chains.get(str(decl.base), []), decl]
            try:
                build_rules(base, self.chains[name], tz=self.zone)
            except RuleError as exc:
                self.report((name, exc.key), exc.message, "constraint")
                # Reported once here, not again at every variable of this type.
                self.chains[name] = list(self.chains.get(str(decl.base), []))
            return base
        fields: list[tuple[str, Type]] = []
        rules: dict[str, Rules] = {}
        ok = True
        for field_name, field_decl in decl.fields.items():
            problem = identifier_problem(field_name, "field")
            if problem is not None:
                self.report((name, field_name), problem, "name")
                ok = False
                continue
            field_type, why = self.parse(field_decl.type)
            if field_type is None:
                self.report((name, field_name, "type"), why or "unknown type", "type")
                ok = False
                continue
            fields.append((field_name, field_type))
            try:
                rules[field_name] = self.rules_for(
                    field_type, field_decl.type, [field_decl], field_decl.required
                )
            except RuleError as exc:
                self.report((name, field_name, exc.key), exc.message, "constraint")
        if not decl.fields:
            self.report((name,), f"the complex type {name!r} has no fields", "empty")
        self.field_rules[name] = rules
        return t.complex_type(name, tuple(fields)) if ok else None

    def rules_for(
        self, type_: Type, written: str, own: list[Constraints], required: bool = False
    ) -> Rules:
        """The rules of a value declared as ``written``: its custom type's, then its own.

        Raises:
            RuleError: a constraint does not fit the type.
        """
        element = written.strip()
        if element.replace(" ", "").lower().startswith("list<"):
            element = element.replace(" ", "")[5:-1]
        chain = list(self.chains.get(element, []))
        base = type_.element() if type_.kind is Kind.LIST else type_
        fields = self.field_rules.get(base.name or "") if base.kind is Kind.COMPLEX else None
        if type_.kind is Kind.LIST:
            # The custom type's constraints apply to each item, the variable's own to the list.
            item = build_rules(base, chain, tz=self.zone, fields=fields)
            rules = build_rules(type_, own, required, tz=self.zone, fields=fields)
            if rules.item is not None:
                rules.item.checks[:0] = item.checks
                rules.item.trim = rules.item.trim or item.trim
            return rules
        return build_rules(type_, [*chain, *own], required, tz=self.zone, fields=fields)
