"""State diagrams: the graph read from a definition, and its Mermaid and SVG drawings."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from openpas.model import Definition, load_file, load_text
from openpas.model.diagram import END, Edge, graph, mermaid, svg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def car_loan() -> Definition:
    return load_file(EXAMPLES / "car_loan.yaml")


def test_graph_of_the_car_loan(car_loan: Definition) -> None:
    shape = graph(car_loan)
    assert shape.start == "Collect Information"
    assert shape.states == (
        "Collect Information",
        "Credit Check",
        "Review",
        "Approved",
        "Denied",
        "Notify",
    )
    assert shape.tasks["Credit Check"] == ("Check Credit",)
    assert shape.tasks["Review"] == ()
    edges = set(shape.edges)
    assert Edge("Collect Information", "Credit Check", "") in edges
    assert Edge("Credit Check", "Approved", "yes") in edges
    assert Edge("Credit Check", "Review", "no, Unavailable") in edges
    assert Edge("Notify", END, "") in edges
    assert len(shape.edges) == 8


def test_mermaid_names_states_transitions_and_tasks(car_loan: Definition) -> None:
    text = mermaid(car_loan)
    assert text.splitlines()[3] == "stateDiagram-v2"
    assert 'state "Collect Information" as s0' in text
    assert "[*] --> s0" in text
    assert "s1 --> s2 : no, Unavailable" in text
    assert "s1 : runs Check Credit" in text
    assert "s5 --> [*]" in text


def test_svg_is_well_formed_and_shows_every_state(car_loan: Definition) -> None:
    root = ET.fromstring(svg(car_loan).split("\n", 1)[1])
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for state in graph(car_loan).states:
        assert state in texts
    assert "runs Check Credit" in texts
    assert "Unavailable" in " ".join(t or "" for t in texts)
    states = [g for g in root.iter(f"{SVG}g") if g.get("class") == "state"]
    assert len(states) == 6
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "end"]) == 1


def test_svg_boxes_do_not_overlap(car_loan: Definition) -> None:
    root = ET.fromstring(svg(car_loan).split("\n", 1)[1])
    boxes = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "state":
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            x, y = float(rect.get("x", 0)), float(rect.get("y", 0))
            boxes.append((x, y, x + float(rect.get("width", 0)), y + float(rect.get("height", 0))))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_labels_are_escaped() -> None:
    definition = load_text(
        """
process: Odd
start: A
states:
  A:
    actions:
      - select:
          on: '"x"'
          cases:
            '<b>&"quoted"': [end process]
          default: [change state: A]
""",
        "odd.yaml",
    )
    drawing = svg(definition)
    ET.fromstring(drawing.split("\n", 1)[1])
    assert "&lt;b&gt;&amp;" in drawing
    text = mermaid(definition)
    assert "<b>" not in text
    assert "s0 --> [*] : #60;b#62;#38;#34;quoted#34;" in text
    assert "s0 --> s0 : default" in text
