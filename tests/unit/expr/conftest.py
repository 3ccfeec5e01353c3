"""Small fakes of the static and runtime scopes for expression tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from openpas.expr import Compiled, compile_expression
from openpas.expr.scope import FLOW, LOCAL, PREFIXES, PROCESS, UnknownName, VariableRef
from openpas.expr.types import (
    BOOLEAN,
    CURRENCY,
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    INTEGER,
    MAILBOX,
    STRING,
    TIME,
    USER,
    Type,
    complex_type,
    list_of,
)
from openpas.expr.values import NOT_SET, Currency, Mailbox, Record, UserRef

CAR = complex_type("Car", (("Make", STRING), ("Year", INTEGER), ("Price", CURRENCY)))

PROCESS_VARS: dict[str, Type] = {
    "CreditScore": INTEGER,
    "LoanAmount": CURRENCY,
    "Rate": DECIMAL,
    "Name": STRING,
    "Approved": BOOLEAN,
    "Due": DATETIME,
    "Start": DATE,
    "Opens": TIME,
    "Wait": DURATION,
    "Tags": list_of(STRING),
    "Scores": list_of(INTEGER),
    "Prices": list_of(CURRENCY),
    "Car": CAR,
    "Cars": list_of(CAR),
    "Email": MAILBOX,
    "Owner": USER,
    "Missing": INTEGER,
    "Status": STRING,
    "Flag": BOOLEAN,
    "Other": MAILBOX,
    "Amt": CURRENCY,
}
LOCAL_VARS: dict[str, Type] = {"Count": INTEGER, "Status": STRING}
FLOW_VARS: dict[str, Type] = {"Id": STRING}

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2024, 5, 31, 22, 30, tzinfo=dt.UTC)


class FakeStaticScope:
    """Resolves the variables above; ``Status`` exists in two scopes (ambiguous when bare)."""

    def __init__(self, variables: Mapping[str, Mapping[str, Type]] | None = None) -> None:
        self.variables = variables or {PROCESS: PROCESS_VARS, LOCAL: LOCAL_VARS, FLOW: FLOW_VARS}

    def resolve(self, prefix: str | None, name: str) -> VariableRef:
        if prefix is not None:
            scope = PREFIXES[prefix]
            if name not in self.variables[scope]:
                raise UnknownName(f"unknown variable '{prefix}.{name}'")
            return VariableRef(scope, name, self.variables[scope][name])
        found = [s for s in (LOCAL, PROCESS) if name in self.variables[s]]
        if len(found) > 1:
            raise UnknownName(
                f"'{name}' is both a process and a local variable;"
                f" write Process.{name} or Local.{name}"
            )
        if not found:
            raise UnknownName(f"unknown variable '{name}'")
        return VariableRef(found[0], name, self.variables[found[0]][name])


def default_values() -> dict[str, Any]:
    return {
        "CreditScore": 700,
        "LoanAmount": Currency(Decimal("40000"), "USD"),
        "Rate": Decimal("0.05"),
        "Name": "Ann Smith",
        "Approved": True,
        "Due": dt.datetime(2024, 3, 30, 12, 0, tzinfo=PARIS),
        "Start": dt.date(2024, 1, 31),
        "Opens": dt.time(23, 30),
        "Wait": dt.timedelta(hours=2),
        "Tags": ("vip", "new"),
        "Scores": (3, 1, 2),
        "Prices": (Currency(Decimal("1.5"), "EUR"), Currency(Decimal("2.25"), "EUR")),
        "Car": Record("Car", {"Make": "Volvo", "Year": 2020, "Price": NOT_SET}),
        "Cars": (Record("Car", {"Make": "Saab", "Year": 1999, "Price": NOT_SET}),),
        "Email": Mailbox("ann@example.com"),
        "Owner": UserRef("ann"),
        "Missing": NOT_SET,
        "Status": "open",
        "Count": 3,
        "Id": "flow-1",
    }


class FakeRuntimeScope:
    """Values by variable name, a fixed clock and the Paris time zone."""

    def __init__(self, **overrides: Any) -> None:
        self.values = default_values()
        self.values.update(overrides)
        self.clock = NOW
        self.tz: dt.tzinfo = PARIS

    def value(self, ref: VariableRef) -> Any:
        return self.values[ref.name]

    def now(self) -> dt.datetime:
        return self.clock

    def zone(self) -> dt.tzinfo:
        return self.tz


@pytest.fixture
def static() -> FakeStaticScope:
    return FakeStaticScope()


@pytest.fixture
def runtime() -> FakeRuntimeScope:
    return FakeRuntimeScope()


def compile_(source: str, expected: Type | None = None) -> Compiled:
    """Compile against the fake static scope."""
    return compile_expression(source, FakeStaticScope(), expected)


def ev(source: str, **values: Any) -> Any:
    """Compile and evaluate ``source`` with the default values, some overridden."""
    return compile_(source).evaluate(FakeRuntimeScope(**values))


@pytest.fixture(name="ev")
def ev_fixture() -> Any:
    """``ev(source, **values)``: compile and evaluate with the default values."""
    return ev


@pytest.fixture(name="compile_")
def compile_fixture() -> Any:
    """``compile_(source, expected=None)``: compile against the fake static scope."""
    return compile_
