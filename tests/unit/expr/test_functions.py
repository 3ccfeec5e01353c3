"""Every library function: a happy path and an error path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from openpas.errors import EvaluationError, ExpressionError
from openpas.expr import FUNCTIONS
from openpas.expr.values import NOT_SET, Currency, Mailbox, SkillRef, Uri, UserRef, WorkgroupRef

from .conftest import PARIS, FakeRuntimeScope

D = Decimal
UTC = dt.UTC

HAPPY: list[tuple[str, Any]] = [
    # text
    ("Len('abc')", 3),
    ("Upper('abc')", "ABC"),
    ("Lower('ABC')", "abc"),
    ("Trim('  a b ')", "a b"),
    ("Left('abcdef', 2)", "ab"),
    ("Left('ab', 5)", "ab"),
    ("Right('abcdef', 2)", "ef"),
    ("Right('abcdef', 0)", ""),
    ("Mid('abcdef', 2, 3)", "bcd"),
    ("Mid('abcdef', 4)", "def"),
    ("Find('abcabc', 'c')", 3),
    ("Find('abc', 'x')", 0),
    ("Replace('a-b-c', '-', '+')", "a+b+c"),
    ("Contains('abc', 'b')", True),
    ("StartsWith('abc', 'ab')", True),
    ("EndsWith('abc', 'bc')", True),
    ("Split('a,b,,c', ',')", ("a", "b", "", "c")),
    ("Join(['a', 'b'], ', ')", "a, b"),
    ("Join([1, 2.5], '-')", "1-2.5"),
    ("PadLeft('7', 3, '0')", "007"),
    ("PadLeft('7', 3)", "  7"),
    ("PadRight('7', 3, '.')", "7.."),
    ("Matches('AB1234', '[A-Z]{2}[0-9]{4}')", True),
    ("Matches('AB1234x', '[A-Z]{2}[0-9]{4}')", False),
    # math
    ("Abs(-3)", 3),
    ("Abs(-2.5)", D("2.5")),
    ("Abs(-5 USD)", Currency(D(5), "USD")),
    ("Abs(-1h)", dt.timedelta(hours=1)),
    ("Round(2.5)", 2),
    ("Round(3.5)", 4),
    ("Round(2.345, 2)", D("2.34")),
    ("Round(2.355, 2)", D("2.36")),
    ("Round(10.005 USD)", Currency(D("10.00"), "USD")),
    ("Truncate(-2.7)", -2),
    ("Truncate(5)", 5),
    ("Floor(-2.5)", -3),
    ("Ceiling(2.1)", 3),
    ("Min(3, 5)", 3),
    ("Min(3, 2.5)", D("2.5")),
    ("Min([4, 2, 8])", 2),
    ("Max([4, 2, 8])", 8),
    ("Max('a', 'b')", "b"),
    ("Max(1 USD, 2 USD)", Currency(D(2), "USD")),
    ("Mod(7, 3)", 1),
    ("Mod(7.5, 2)", D("1.5")),
    ("Power(2, 10)", 1024),
    ("Power(2, 0.5)", D("1.414213562373095048801688724")),
    ("Sqrt(16)", D("4")),
    # dates and times
    ("Now()", dt.datetime(2024, 5, 31, 22, 30, tzinfo=UTC)),
    ("Today()", dt.date(2024, 6, 1)),  # already June 1st in Paris
    ("Date(2024, 5, 31)", dt.date(2024, 5, 31)),
    ("Date('2024-05-31')", dt.date(2024, 5, 31)),
    ("DateTime('2024-05-31T14:30:00+02:00')", dt.datetime(2024, 5, 31, 12, 30, tzinfo=UTC)),
    ("DateTime('2024-05-31T14:30')", dt.datetime(2024, 5, 31, 14, 30, tzinfo=PARIS)),
    ("DateTime(Date(2024, 5, 31), Time(14, 30))", dt.datetime(2024, 5, 31, 14, 30, tzinfo=PARIS)),
    (
        "DateTime(Date(2024, 5, 31), Time(14, 30), 'UTC')",
        dt.datetime(2024, 5, 31, 14, 30, tzinfo=UTC),
    ),
    ("Time(14, 30)", dt.time(14, 30)),
    ("Time(14, 30, 15)", dt.time(14, 30, 15)),
    ("Time('08:15')", dt.time(8, 15)),
    ("Year(Start)", 2024),
    ("Month(Start)", 1),
    ("Day(Start)", 31),
    ("Year(Due)", 2024),
    ("Hour(Due)", 12),
    ("Minute(Opens)", 30),
    ("Second(Time(1, 2, 3))", 3),
    ("Weekday(Date(2024, 6, 3))", 1),
    ("Weekday(Date(2024, 6, 2))", 7),
    ("AddDays(Start, 1)", dt.date(2024, 2, 1)),
    ("AddDays(Due, 1)", dt.datetime(2024, 3, 31, 12, 0, tzinfo=PARIS)),
    ("AddMonths(Start, 1)", dt.date(2024, 2, 29)),
    ("AddMonths(Start, -2)", dt.date(2023, 11, 30)),
    ("AddMonths(Start, 13)", dt.date(2025, 2, 28)),
    ("AddYears(Date(2024, 2, 29), 1)", dt.date(2025, 2, 28)),
    ("DaysBetween(Date(2024, 1, 1), Date(2024, 3, 1))", 60),
    ("DaysBetween(Date(2024, 3, 1), Date(2024, 1, 1))", -60),
    ("ToTimeZone(Due, 'UTC')", dt.datetime(2024, 3, 30, 11, 0, tzinfo=UTC)),
    ("DateOf(Due)", dt.date(2024, 3, 30)),
    ("TimeOf(Due)", dt.time(12, 0)),
    ("Days(2)", dt.timedelta(days=2)),
    ("Hours(1.5)", dt.timedelta(minutes=90)),
    ("Minutes(90)", dt.timedelta(minutes=90)),
    ("Seconds(0.25)", dt.timedelta(milliseconds=250)),
    ("TotalDays(36h)", D("1.5")),
    ("TotalHours(90m)", D("1.5")),
    ("TotalMinutes(90s)", D("1.5")),
    ("TotalSeconds(1m)", D("60")),
    # lists
    ("Count(Tags)", 2),
    ("Count([])", 0),
    ("First(Scores)", 3),
    ("Last(Scores)", 2),
    ("Append(Scores, 4)", (3, 1, 2, 4)),
    ("Append(Scores, 4.5)", (D(3), D(1), D(2), D("4.5"))),
    ("Append([], 'a')", ("a",)),
    ("Insert(Scores, 1, 0)", (0, 3, 1, 2)),
    ("Insert(Scores, 4, 9)", (3, 1, 2, 9)),
    ("RemoveAt(Scores, 2)", (3, 2)),
    ("RemoveAt(Scores, -1)", (3, 1)),
    ("Remove([1, 2, 1], 1)", (2,)),
    ("IndexOf(Tags, 'new')", 2),
    ("IndexOf(Tags, 'x')", 0),
    ("Sum(Scores)", 6),
    ("Sum([0.1, 0.2])", D("0.3")),
    ("Sum([1, 2.5])", D("3.5")),
    ("Sum(Prices)", Currency(D("3.75"), "EUR")),
    ("Sum([1h, 30m])", dt.timedelta(minutes=90)),
    ("Sum(Append([], 1))", 1),
    ("Sort(Scores)", (1, 2, 3)),
    ("Sort(['b', 'a'])", ("a", "b")),
    ("Reverse(Scores)", (2, 1, 3)),
    ("Distinct([1, 2, 1, 3])", (1, 2, 3)),
    ("Slice([1, 2, 3, 4], 2, 3)", (2, 3)),
    ("Slice([1, 2, 3, 4], -2, -1)", (3, 4)),
    ("Slice([1, 2, 3, 4], 3, 2)", ()),
    ("Slice([1, 2, 3, 4], 2, 99)", (2, 3, 4)),
    # conversion
    ("ToString(1.50)", "1.50"),
    ("ToString(true)", "true"),
    ("ToString(Start)", "2024-01-31"),
    ("ToString(90m)", "1h30m"),
    ("ToString(Tags)", "[vip, new]"),
    ("ToInteger('42')", 42),
    ("ToInteger(' -7 ')", -7),
    ("ToInteger('12.7')", 12),
    ("ToInteger(-12.7)", -12),
    ("ToDecimal('0.05')", D("0.05")),
    ("ToDecimal(3)", D(3)),
    ("ToDecimal(12.50 EUR)", D("12.50")),
    ("ToBoolean('TRUE')", True),
    ("ToBoolean(' false ')", False),
    ("MakeCurrency(12.5, 'EUR')", Currency(D("12.5"), "EUR")),
    ("Amount(12.50 EUR)", D("12.50")),
    ("CurrencyCode(12.50 EUR)", "EUR"),
    ("CurrencyCode(Amt)", NOT_SET),
    ("ToMailbox('bob@example.com')", Mailbox("bob@example.com")),
    ("ToUri('https://example.com/')", Uri("https://example.com/")),
    ("ToUser('ann')", UserRef("ann")),
    ("ToWorkgroup('Loans')", WorkgroupRef("Loans")),
    ("ToSkill('German')", SkillRef("German")),
    ("ToDate('2024-05-31')", dt.date(2024, 5, 31)),
    ("ToDate(Due)", dt.date(2024, 3, 30)),
    ("ToDateTime('2024-05-31T10:00')", dt.datetime(2024, 5, 31, 10, 0, tzinfo=PARIS)),
    ("ToDuration('1h30m')", dt.timedelta(minutes=90)),
    ("ToDuration('P1D')", dt.timedelta(days=1)),
    # NOT SET
    ("IsSet(Missing)", False),
    ("IsSet(1)", True),
    ("Default(Missing, 1.5)", D("1.5")),
    ("Default(Rate, 1)", D("0.05")),
]


@pytest.mark.parametrize(("source", "expected"), HAPPY)
def test_function(ev: Any, source: str, expected: Any) -> None:
    result = ev(source, Amt=Currency(D(1)))
    assert result == expected
    assert type(result) is type(expected)


RUNTIME_ERRORS: list[tuple[str, str]] = [
    ("Left('abc', -1)", "Left: the count must not be negative, got -1"),
    ("Right('abc', -1)", "Right: the count must not be negative"),
    ("Mid('abc', 0)", "Mid: positions start at 1, got 0"),
    ("Mid('abc', 1, -2)", "Mid: the count must not be negative"),
    ("Replace('abc', '', 'x')", "Replace: the text to replace must not be empty"),
    ("Split('abc', '')", "Split: the separator must not be empty"),
    ("PadLeft('a', 3, 'xy')", "PadLeft: the fill must be one character, got 'xy'"),
    ("PadRight('a', -1)", "PadRight: the width must not be negative"),
    ("PadLeft('a', 2000000)", "PadLeft: the text would be longer than 1000000"),
    ("Join([Missing], ',')", "Join: item 1 of the list is NOT SET"),
    ("Round(1.5, 99)", "Round: the number of places must be between -28 and 28"),
    ("Truncate(1e)", ""),
    ("Min([])", "Min: the list is empty"),
    ("Max(1 USD, 2 EUR)", "Max: cannot combine amounts in different currencies"),
    ("Mod(1, 0)", "Mod: division by zero"),
    ("Power(2, 2000)", "Power: the exponent 2000 is larger than the limit of 1000"),
    ("Power(10, 19)", "Power: the result is outside the 64-bit integer range"),
    ("Sqrt(-1)", "Sqrt: cannot take the square root of the negative number -1"),
    ("Date(2024, 2, 30)", "Date: 2024-2-30 is not a date"),
    ("Date(1700, 1, 1)", "Date: the date 1700-01-01 is outside"),
    ("Date('31/05/2024')", "Date: '31/05/2024' is not a date"),
    ("DateTime('tomorrow')", "DateTime: expected a date and time"),
    ("DateTime(Start, Opens, 'Mars/Base')", "DateTime: 'Mars/Base' is not a known time zone"),
    ("Time(25, 0)", "Time: 25:0 is not a time of day"),
    ("Time('noon')", "Time: 'noon' is not a time of day"),
    ("AddDays(Start, 100000)", "AddDays: the date .* is outside"),
    ("AddMonths(Start, 99999)", "AddMonths: moving by 99999 months"),
    ("AddYears(Start, 300)", "AddYears: the date 2324-01-31 is outside"),
    ("ToTimeZone(Due, 'Nowhere')", "ToTimeZone: 'Nowhere' is not a known time zone"),
    ("Days(10000000000)", "Days: the duration is too long"),
    ("First([])", "First: the list is empty"),
    ("Last(Append([], 1))", ""),
    ("Insert(Scores, 5, 1)", "Insert: position 5 is outside the list of 3 items"),
    ("RemoveAt(Scores, 0)", "RemoveAt: position 0 is outside"),
    ("Sort(Append(Prices, 1 USD))", "Sort: cannot combine amounts in different currencies"),
    ("Sum(Append(Prices, 1 USD))", "Sum: cannot combine amounts"),
    ("Sum([Missing])", "Sum: item 1 of the list is NOT SET"),
    ("ToInteger('abc')", "ToInteger: 'abc' is not a number such as 42"),
    ("ToInteger('99999999999999999999')", "ToInteger: the result is outside the 64-bit"),
    ("ToDecimal('1e5')", "ToDecimal: '1e5' is not a number"),
    ("ToBoolean('yes')", "ToBoolean: 'yes' is neither true nor false"),
    ("MakeCurrency(1, 'euro')", "MakeCurrency: currency code 'euro' is not a 3-letter"),
    ("ToMailbox('nobody')", "ToMailbox: 'nobody' is not an email address"),
    ("ToUri('not a uri')", "ToUri: 'not a uri' is not an absolute address"),
    ("ToUser('  ')", "ToUser: the name of a user must not be empty"),
    ("ToWorkgroup('')", "ToWorkgroup: the name of a workgroup must not be empty"),
    ("ToSkill('')", "ToSkill: the name of a skill must not be empty"),
    ("ToDate('x')", "ToDate: 'x' is not a date"),
    ("ToDateTime('x')", "ToDateTime: expected a date and time"),
    ("ToDuration('3 months')", "ToDuration: '3 months' is not a duration"),
    ("Len(Missing & '')", "Process.Missing is NOT SET"),
    ("Upper(Car.Make)", "Process.Car is NOT SET"),
]


@pytest.mark.parametrize(("source", "message"), [e for e in RUNTIME_ERRORS if e[1]])
def test_function_errors(ev: Any, source: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        ev(source, Car=NOT_SET)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Len(1)", r"Len argument 1 \(text\) must be a string, not an integer"),
        ("Len()", "Len expects 1 argument: Len\\(text: string\\) -> integer, got 0"),
        ("Mid('a')", "Mid expects 2 to 3 arguments"),
        ("len('a')", "unknown function 'len' \\(did you mean 'Len'\\? function names are case"),
        ("Lenght('a')", "unknown function 'Lenght' \\(did you mean 'Length'|'Len'"),
        ("Xyzzy(1)", r"unknown function 'Xyzzy' \(line"),
        ("Round('a')", "Round cannot take a string; its forms are"),
        ("Min(1, 'a')", "argument 2 \\(b\\) must be an integer"),
        ("Min(Car, Car)", "must be an ordered value"),
        ("Append(Scores, 'a')", "argument 2 \\(item\\) must be an integer, not a string"),
        ("Sum(Tags)", "Sum cannot take a list<string>"),
        ("Matches(Name, Name)", "argument 2 of Matches must be written as a literal"),
        ("Matches(Name, '[a-')", "Matches: '\\[a-' is not a valid regular expression"),
        ("Matches(Name, '(a+)+$')", "repeats a repetition"),
        ("Len(NotSet)", "Len needs a value for argument 1, not NotSet"),
        ("Year(Opens)", "must be a date or a datetime"),
        ("DaysBetween(Start, Due)", "must be a date"),
        ("Default(1, 'a')", "argument 2 \\(fallback\\) must be an integer"),
    ],
)
def test_signature_errors(compile_: Any, source: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_(source)


def test_every_function_is_tested_and_documented() -> None:
    tested = {source.split("(")[0] for source, _ in HAPPY}
    assert set(FUNCTIONS) <= tested
    for function in FUNCTIONS.values():
        assert function.doc and function.name[0].isupper()
        assert function.signature.startswith(function.name + "(")


def test_functions_return_new_lists(ev: Any) -> None:
    scores = (3, 1, 2)
    ev("Sort(Scores)", Scores=scores)
    assert scores == (3, 1, 2)


def test_today_follows_the_zone_of_the_process(compile_: Any) -> None:
    today = compile_("Today()")
    scope = FakeRuntimeScope()
    assert today.evaluate(scope) == dt.date(2024, 6, 1)
    scope.tz = dt.UTC
    assert today.evaluate(scope) == dt.date(2024, 5, 31)


def test_to_time_zone_across_dst(ev: Any) -> None:
    # 00:30 UTC on the last Sunday of March: 01:30 in Paris (+1), then 03:30 (+2) an hour later.
    before = ev("ToTimeZone(DateTime('2024-03-31T00:30:00Z'), 'Europe/Paris')")
    after = ev("ToTimeZone(DateTime('2024-03-31T00:30:00Z') + 1h, 'Europe/Paris')")
    assert (before.hour, before.utcoffset()) == (1, dt.timedelta(hours=1))
    assert (after.hour, after.utcoffset()) == (3, dt.timedelta(hours=2))
    assert ev("Hour(ToTimeZone(Due, 'America/New_York'))") == 7
    autumn = ev("ToTimeZone(DateTime('2024-10-27T01:30:00Z'), 'Europe/Paris')")
    assert (autumn.hour, autumn.utcoffset()) == (2, dt.timedelta(hours=1))
