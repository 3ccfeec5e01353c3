"""The state diagram marks the state a flow is in now (the monitor's view of a flow)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from openpas.model import Definition, load_file
from openpas.model.diagram import mermaid, svg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def car_loan() -> Definition:
    return load_file(EXAMPLES / "car_loan.yaml")


def _groups(text: str) -> list[ET.Element]:
    root = ET.fromstring(text.split("\n", 1)[1])
    return [g for g in root.iter(f"{SVG}g") if "state" in (g.get("class") or "").split()]


def test_svg_marks_only_the_current_state(car_loan: Definition) -> None:
    groups = _groups(svg(car_loan, current="Review"))
    marked = [g for g in groups if g.get("data-current") == "true"]
    assert [g.get("data-name") for g in marked] == ["Review"]
    assert marked[0].get("class") == "state current"
    rect = marked[0].find(f"{SVG}rect")
    assert rect is not None
    others = [g.find(f"{SVG}rect") for g in groups if g not in marked]
    assert all(o is not None and o.get("fill") != rect.get("fill") for o in others)
    captions = [t.text for t in marked[0].iter(f"{SVG}text")]
    assert "current" in captions
    assert len(groups) == 6


def test_svg_without_current_marks_nothing_and_is_unchanged(car_loan: Definition) -> None:
    plain = svg(car_loan)
    assert plain == svg(car_loan, current=None)
    assert not [g for g in _groups(plain) if g.get("data-current")]
    assert "current" not in plain


def test_mermaid_marks_the_current_state_by_class(car_loan: Definition) -> None:
    text = mermaid(car_loan, current="Credit Check")
    lines = text.splitlines()
    assert '    state "Credit Check" as s1' in lines
    assert "    class s1 current" in lines
    assert any(line.strip().startswith("classDef current fill:") for line in lines)
    assert [line for line in lines if line.strip().startswith("class ")] == ["    class s1 current"]
    assert "classDef" not in mermaid(car_loan)


@pytest.mark.parametrize("drawing", [mermaid, svg])
def test_an_unknown_current_state_is_refused_with_the_states(
    car_loan: Definition, drawing: object
) -> None:
    with pytest.raises(ValueError, match=r"'Revew' is not a state of 'Car Loan'.*'Review'"):
        drawing(car_loan, current="Revew")  # type: ignore[operator]
