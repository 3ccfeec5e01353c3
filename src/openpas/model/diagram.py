"""The state diagram of a process: states, transitions, the end, and the tasks each state runs.

:func:`graph` reads the state machine out of a definition; :func:`mermaid` and
:func:`svg` draw it. The SVG layout is computed here (layers by distance from
the start state), so no external program is needed. Both can mark the state a
flow is in now (``current``), as the monitor shows a flow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from openpas.model.actions.base import ActionNode
from openpas.model.definition import Definition
from openpas.model.process import ProcessSpec

END = "[end]"
"""The target of edges that end the process (End Process)."""


@dataclass(frozen=True)
class Edge:
    """A transition: Change State to ``target``, or End Process when ``target`` is :data:`END`.

    Attributes:
        label: the branches leading to it, e.g. ``no`` or ``Unavailable``; several ways to
            the same target are joined by ``", "``; empty when the action is unconditional.
    """

    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Graph:
    """The state machine of a process.

    Attributes:
        start: the start state.
        states: every state, in document order.
        tasks: for each state, the tasks it runs (directly or through other tasks).
        edges: the transitions, one per (source, target) pair.
    """

    name: str
    start: str
    states: tuple[str, ...]
    tasks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()


def graph(definition: Definition | ProcessSpec) -> Graph:
    """The state machine of ``definition``."""
    spec = definition.spec if isinstance(definition, Definition) else definition
    edges: dict[tuple[str, str], list[str]] = {}
    tasks: dict[str, tuple[str, ...]] = {}
    for name, state in spec.states.items():
        for target, label in _exits(state.actions, ()):
            labels = edges.setdefault((name, target), [])
            if label not in labels:
                labels.append(label)
        tasks[name] = _tasks_run(spec, state.actions)
    return Graph(
        spec.name,
        spec.start,
        tuple(spec.states),
        tasks,
        tuple(
            Edge(source, target, ", ".join(label for label in labels if label))
            for (source, target), labels in edges.items()
        ),
    )


def _exits(block: tuple[ActionNode, ...], trail: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(target, label) of every Change State and End Process in a block, nested ones included."""
    for node in block:
        spec = node.spec
        if spec.kind == "end process":
            yield END, " / ".join(trail)
        for target in spec.transitions():
            yield target, " / ".join(trail)
        for name, nested in spec.exits(None).items():
            # A task's normal way out is not a condition worth a label.
            step = () if spec.kind == "run task" and name == "default" else (name,)
            yield from _exits(nested, (*trail, *step))
        for nested in spec.bodies().values():
            yield from _exits(nested, trail)


def _calls(block: tuple[ActionNode, ...]) -> Iterator[str]:
    for node in block:
        spec = node.spec
        yield from spec.calls()
        for nested in (*spec.exits(None).values(), *spec.bodies().values()):
            yield from _calls(nested)


def _tasks_run(spec: ProcessSpec, block: tuple[ActionNode, ...]) -> tuple[str, ...]:
    """The tasks a block runs, then the tasks they run, each once, in the order met."""
    found: list[str] = []
    queue = deque(_calls(block))
    while queue:
        name = queue.popleft()
        if name in found:
            continue
        found.append(name)
        task = spec.tasks.get(name)
        if task is not None:
            queue.extend(_calls(task.actions))
    return tuple(found)


# ---------------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid label: anything but letters, digits and spaces as #code;."""
    return "".join(ch if ch.isalnum() or ch in " _-./," else f"#{ord(ch)};" for ch in text)


def _check_current(shape: Graph, current: str | None) -> None:
    if current is not None and current not in shape.states:
        listing = ", ".join(repr(s) for s in shape.states)
        raise ValueError(
            f"the current state {current!r} is not a state of {shape.name!r}; "
            f"its states are {listing}"
        )


CURRENT_FILL = "#ffe8a3"
CURRENT_STROKE = "#b35900"


def mermaid(definition: Definition | ProcessSpec, current: str | None = None) -> str:
    """A Mermaid ``stateDiagram-v2`` of the process.

    Args:
        current: a state to mark as the one a flow is in now (class ``current``).

    Raises:
        ValueError: ``current`` is not a state of the process.
    """
    shape = graph(definition)
    _check_current(shape, current)
    ids = {name: f"s{index}" for index, name in enumerate(shape.states)}
    lines = ["---", f"title: {_mermaid_text(shape.name)}", "---", "stateDiagram-v2"]
    for name in shape.states:
        lines.append(f'    state "{_mermaid_text(name)}" as {ids[name]}')
        for task in shape.tasks.get(name, ()):
            lines.append(f"    {ids[name]} : runs {_mermaid_text(task)}")
    if shape.start in ids:
        lines.append(f"    [*] --> {ids[shape.start]}")
    for edge in shape.edges:
        target = "[*]" if edge.target == END else ids.get(edge.target)
        if target is None:
            continue
        label = f" : {_mermaid_text(edge.label)}" if edge.label else ""
        lines.append(f"    {ids[edge.source]} --> {target}{label}")
    if current is not None:
        lines.append(
            f"    classDef current fill:{CURRENT_FILL},stroke:{CURRENT_STROKE},stroke-width:3px"
        )
        lines.append(f"    class {ids[current]} current")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- SVG

_CHAR = 7.2  # average width of a character at the node font size, in pixels
_TASK_CHAR = 6.4
_LINE = 16
_GAP_X = 60
_GAP_Y = 70
_MARGIN = 40
_END_RADIUS = 14


@dataclass
class _Box:
    name: str
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


def _layers(shape: Graph) -> list[list[str]]:
    """States by breadth-first distance from the start; the end node in a last layer."""
    depth = {shape.start: 0} if shape.start in shape.states else {}
    queue = deque(depth)
    following: dict[str, list[str]] = {}
    for edge in shape.edges:
        following.setdefault(edge.source, []).append(edge.target)
    while queue:
        name = queue.popleft()
        for target in following.get(name, ()):
            if target != END and target not in depth:
                depth[target] = depth[name] + 1
                queue.append(target)
    last = max(depth.values(), default=-1)
    for name in shape.states:  # unreachable states (only in documents that failed validation)
        if name not in depth:
            last += 1
            depth[name] = last
    layers: list[list[str]] = [[] for _ in range(last + 1)]
    for name in shape.states:
        layers[depth[name]].append(name)
    if any(edge.target == END for edge in shape.edges):
        layers.append([END])
    return layers


def _boxes(shape: Graph, layers: list[list[str]]) -> dict[str, _Box]:
    sizes: dict[str, tuple[float, float]] = {}
    for name in shape.states:
        tasks = shape.tasks.get(name, ())
        width = max(
            [len(name) * _CHAR + 32, *(len(f"runs {t}") * _TASK_CHAR + 32 for t in tasks), 120]
        )
        sizes[name] = (width, 36 + len(tasks) * _LINE)
    sizes[END] = (2 * _END_RADIUS, 2 * _END_RADIUS)
    row_widths = [sum(sizes[n][0] for n in row) + _GAP_X * (len(row) - 1) for row in layers]
    widest = max(row_widths, default=0.0)
    boxes: dict[str, _Box] = {}
    y = _MARGIN + 2 * _END_RADIUS + _GAP_Y / 2  # room for the start marker
    for row, row_width in zip(layers, row_widths, strict=True):
        x = _MARGIN + (widest - row_width) / 2
        height = max(sizes[n][1] for n in row)
        for name in row:
            width, own = sizes[name]
            boxes[name] = _Box(name, x, y + (height - own) / 2, width, own)
            x += width + _GAP_X
        y += height + _GAP_Y
    return boxes


def svg(definition: Definition | ProcessSpec, current: str | None = None) -> str:
    """The state diagram as a standalone SVG document.

    Args:
        current: a state to mark as the one a flow is in now: its group has the classes
            ``state current`` and ``data-current="true"``, a stronger outline and fill,
            and a "current" caption above it.

    Raises:
        ValueError: ``current`` is not a state of the process.
    """
    shape = graph(definition)
    _check_current(shape, current)
    layers = _layers(shape)
    boxes = _boxes(shape, layers)
    routed = []
    reach = max((b.x + b.width for b in boxes.values()), default=0.0) + 80
    for edge in shape.edges:
        source, target = boxes.get(edge.source), boxes.get(edge.target)
        if source is None or target is None:
            continue
        path, (lx, ly), right = _route(source, target)
        routed.append((edge, path, lx, ly))
        reach = max(reach, right, lx + _label_width(edge.label) / 2 if edge.label else 0.0)
    width = reach + _MARGIN
    height = max((b.bottom for b in boxes.values()), default=0.0) + _MARGIN
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(shape.name)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    start = boxes.get(shape.start)
    if start is not None:
        top = start.y - _GAP_Y / 2 - _END_RADIUS
        parts.append(
            f'<circle class="start" cx="{start.cx:.1f}" cy="{top:.1f}" r="8" fill="#222"/>'
        )
        parts.append(_line(start.cx, top + 8, start.cx, start.y))
    label_parts: list[str] = []
    for edge, path, lx, ly in routed:
        parts.append(path)
        if edge.label:
            label_parts.append(_label(edge.label, lx, ly))
    for name in shape.states:
        parts.append(
            _state(boxes[name], shape.tasks.get(name, ()), name == shape.start, name == current)
        )
    end = boxes.get(END)
    if end is not None:
        parts.append(
            f'<g class="end"><circle cx="{end.cx:.1f}" cy="{end.cy:.1f}" r="{_END_RADIUS}" '
            'fill="white" stroke="#222" stroke-width="2"/>'
            f'<circle cx="{end.cx:.1f}" cy="{end.cy:.1f}" r="{_END_RADIUS - 5}" fill="#222"/>'
            f'<text x="{end.cx + _END_RADIUS + 6:.1f}" y="{end.cy + 4:.1f}">end process</text></g>'
        )
    parts.extend(label_parts)  # last, so that labels sit above the lines
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        'stroke="#444" stroke-width="1.5" marker-end="url(#arrow)"/>'
    )


def _route(source: _Box, target: _Box) -> tuple[str, tuple[float, float], float]:
    """The path of an edge, where its label goes, and how far right the path reaches."""
    style = 'fill="none" stroke="#444" stroke-width="1.5" marker-end="url(#arrow)"'
    if source is target:  # a state re-entering itself: a loop on its right side
        x, y1, y2 = source.x + source.width, source.cy - 8, source.cy + 8
        d = f"M {x:.1f} {y1:.1f} C {x + 40:.1f} {y1 - 24:.1f}, {x + 40:.1f} {y2 + 24:.1f}, "
        d += f"{x:.1f} {y2:.1f}"
        return f'<path class="edge" d="{d}" {style}/>', (x + 36, source.cy), x + 40
    if target.y > source.bottom:  # downwards: bottom centre to top centre
        x1, y1, x2, y2 = source.cx, source.bottom, target.cx, target.y
        d = f"M {x1:.1f} {y1:.1f} L {x2:.1f} {y2:.1f}"
        return f'<path class="edge" d="{d}" {style}/>', ((x1 + x2) / 2, (y1 + y2) / 2), x2
    if target.bottom >= source.y:  # the same row: side to side, the label above the line
        if target.x >= source.x + source.width:
            x1, x2 = source.x + source.width, target.x
        else:
            x1, x2 = source.x, target.x + target.width
        y = (source.cy + target.cy) / 2
        d = f"M {x1:.1f} {y:.1f} L {x2:.1f} {y:.1f}"
        return f'<path class="edge" d="{d}" {style}/>', ((x1 + x2) / 2, y - 14), max(x1, x2)
    # Upwards: leave from the right side and bend outwards.
    x1, y1 = source.x + source.width, source.cy
    x2, y2 = target.x + target.width, target.cy
    bend = max(x1, x2) + 50 + abs(y1 - y2) / 6
    d = f"M {x1:.1f} {y1:.1f} C {bend:.1f} {y1:.1f}, {bend:.1f} {y2:.1f}, {x2:.1f} {y2:.1f}"
    return f'<path class="edge" d="{d}" {style}/>', (bend - 12, (y1 + y2) / 2), bend


_LABEL_CHARS = 26
"""Longer labels are cut (with …); the whole text is the label's tooltip."""


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _label_width(text: str) -> float:
    return len(_short(text)) * 6.2 + 8


def _label(text: str, x: float, y: float) -> str:
    width = _label_width(text)
    return (
        f'<g class="label"><title>{escape(text)}</title>'
        f'<rect x="{x - width / 2:.1f}" y="{y - 9:.1f}" width="{width:.1f}" '
        'height="16" rx="3" fill="white" fill-opacity="0.9"/>'
        f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle" font-size="11" '
        f'fill="#333">{escape(_short(text))}</text></g>'
    )


def _state(box: _Box, tasks: tuple[str, ...], is_start: bool, is_current: bool = False) -> str:
    stroke = 'stroke="#1f4e8c" stroke-width="2.5"' if is_start else 'stroke="#333"'
    fill = "#eef3fb"
    group = f'<g class="state" data-name={quoteattr(box.name)}>'
    if is_current:
        stroke = f'stroke="{CURRENT_STROKE}" stroke-width="3.5"'
        fill = CURRENT_FILL
        group = f'<g class="state current" data-name={quoteattr(box.name)} data-current="true">'
    out = [
        group,
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
        f'height="{box.height:.1f}" rx="10" fill="{fill}" {stroke}/>',
        f'<text x="{box.cx:.1f}" y="{box.y + 22:.1f}" text-anchor="middle" '
        f'font-weight="bold">{escape(box.name)}</text>',
    ]
    for index, task in enumerate(tasks):
        y = box.y + 22 + _LINE * (index + 1)
        out.append(
            f'<text x="{box.cx:.1f}" y="{y:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#555">runs {escape(task)}</text>'
        )
    if is_current:  # above the box (left of the arrows coming in), so the layout needs no room
        out.append(
            f'<text class="current-caption" x="{box.x + 4:.1f}" y="{box.y - 5:.1f}" '
            f'font-size="11" font-weight="bold" fill="{CURRENT_STROKE}">current</text>'
        )
    out.append("</g>")
    return "".join(out)


__all__ = ["END", "Edge", "Graph", "graph", "mermaid", "svg"]
