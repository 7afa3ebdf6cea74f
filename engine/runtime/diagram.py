"""A workflow as an SVG state diagram: states in columns by how far they are from the
start, each transition an arrow labelled with its trigger and who may fire it.

Pure: no Flask, no database, no Graphviz. The layout is simple on purpose: a column per
step from the initial state, moves forward drawn left to right above, moves back drawn
as arcs below, so any shipped workflow stays readable without a layout engine.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from engine.spec.model import WorkflowSpec

_BOX_H = 46
_ROW_GAP = 34
_COL_GAP = 190
_MARGIN = 30
_CHAR = 7.2  # average width of a 13px sans-serif character, in px
_EDGE = "#565c65"
_BOX = "#1a4480"


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float

    @property
    def mid_y(self) -> float:
        return self.y + _BOX_H / 2


def columns(spec: WorkflowSpec) -> dict[str, int]:
    """Return each state's column: its distance in moves from the initial state."""
    column = {spec.initial: 0}
    queue = deque([spec.initial])
    while queue:
        state = queue.popleft()
        for t in spec.transitions_from(state):
            if t.dest not in column:
                column[t.dest] = column[state] + 1
                queue.append(t.dest)
    # States nothing reaches still appear, after the rest: lint warns about them.
    last = max(column.values()) + 1
    return {name: column.get(name, last) for name in spec.states}


def workflow_svg(spec: WorkflowSpec) -> str:
    """Return the workflow's state diagram as an SVG document."""
    column = columns(spec)
    by_column: dict[int, list[str]] = defaultdict(list)
    for name in spec.states:
        by_column[column[name]].append(name)
    widths = {
        c: max(_text_width(spec.states[n].label) + 28 for n in names)
        for c, names in by_column.items()
    }
    boxes: dict[str, _Box] = {}
    x: float = _MARGIN
    tallest = 0
    for c in sorted(by_column):
        for row, name in enumerate(by_column[c]):
            boxes[name] = _Box(x, _MARGIN + 30 + row * (_BOX_H + _ROW_GAP), widths[c])
        tallest = max(tallest, len(by_column[c]))
        x += widths[c] + _COL_GAP
    # Room on the right for the labels of moves that leave the last column.
    width = x - _COL_GAP + _MARGIN + 160
    body_bottom = _MARGIN + 30 + tallest * (_BOX_H + _ROW_GAP)
    parts: list[str] = []
    back = 0
    labels_at: dict[tuple[int, int], int] = defaultdict(int)
    for t in spec.transitions:
        for source in t.sources:
            a, b = boxes[source], boxes[t.dest]
            label = f"{t.trigger} ({', '.join(t.roles)})"
            if column[t.dest] > column[source]:
                parts.append(_forward(a, b, label, labels_at))
            elif column[t.dest] == column[source] and a is not b:
                parts.append(_vertical(a, b, label))
            else:
                back += 1
                parts.append(_backward(a, b, label, body_bottom + 14 * back))
    height = body_bottom + 14 * back + _MARGIN + 20
    for name, box in boxes.items():
        parts.append(_state(box, spec.states[name].label, spec.states[name].final))
    start = boxes[spec.initial]
    parts.append(
        f'<path d="M{start.x - 24},{start.mid_y} H{start.x - 2}" class="edge" '
        'marker-end="url(#arrow)"/>'
    )
    title = f"State diagram of the workflow {spec.title}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="diagram-{spec.name}-title">'
        f'<title id="diagram-{spec.name}-title">{escape(title)}</title>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_EDGE}"/></marker></defs>'
        "<style>"
        f".edge{{fill:none;stroke:{_EDGE};stroke-width:1.4}}"
        f".state{{fill:#fff;stroke:{_BOX};stroke-width:2}}"
        "text{font-family:'Source Sans Pro',Helvetica,Arial,sans-serif;font-size:13px;"
        "fill:#1b1b1b}"
        ".move{font-size:11.5px;fill:#3d4551}"
        "</style>" + "".join(parts) + "</svg>"
    )


def _text_width(text: str) -> float:
    return len(text) * _CHAR


def _state(box: _Box, label: str, final: bool) -> str:
    inner = ""
    if final:  # a final state has a double border, as in UML
        inner = (
            f'<rect x="{box.x + 4}" y="{box.y + 4}" width="{box.w - 8}" height="{_BOX_H - 8}" '
            'rx="6" class="state" stroke-width="1"/>'
        )
    return (
        f'<rect x="{box.x}" y="{box.y}" width="{box.w}" height="{_BOX_H}" rx="9" '
        f'class="state"/>{inner}'
        f'<text x="{box.x + box.w / 2}" y="{box.mid_y + 4.5}" text-anchor="middle">'
        f"{escape(label)}</text>"
    )


def _forward(a: _Box, b: _Box, label: str, labels_at: dict[tuple[int, int], int]) -> str:
    x1, y1, x2, y2 = a.x + a.w, a.mid_y, b.x, b.mid_y
    bend = (x2 - x1) / 2
    # Labels between the same two columns are stacked, so that they do not overlap.
    key = (round(x1), round(x2))
    n = labels_at[key]
    labels_at[key] += 1
    lx, ly = x1 + bend, (y1 + y2) / 2 - 6 - 14 * (n % 3)
    return (
        f'<path d="M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2 - 2},{y2}" class="edge" '
        'marker-end="url(#arrow)"/>'
        f'<text x={quoteattr(f"{lx:.0f}")} y={quoteattr(f"{ly:.0f}")} class="move" '
        f'text-anchor="middle">{escape(label)}</text>'
    )


def _backward(a: _Box, b: _Box, label: str, low: float) -> str:
    x1, y1 = a.x + a.w / 2 + 8, a.y + _BOX_H
    x2, y2 = b.x + b.w / 2 - 8, b.y + _BOX_H
    if a is b:  # a move that stays in its state: a small loop under the box
        x2 = x1 - 16
    # The curve's lowest point, where its label goes: both control points are at `low`.
    bottom = (y1 + y2) / 8 + 0.75 * low
    return (
        f'<path d="M{x1},{y1} C{x1},{low} {x2},{low} {x2},{y2 + 2}" class="edge" '
        'stroke-dasharray="4 3" marker-end="url(#arrow)"/>'
        f'<text x="{(x1 + x2) / 2:.0f}" y="{bottom + 13:.0f}" class="move" '
        f'text-anchor="middle">{escape(label)}</text>'
    )


def _vertical(a: _Box, b: _Box, label: str) -> str:
    # Two states of one column: a straight arrow between them, its label beside it; the
    # way down and the way back up are side by side.
    down = b.y > a.y
    x = a.x + a.w / 2 + (14 if down else -14)
    y1 = a.y + _BOX_H if down else a.y
    y2 = b.y - 2 if down else b.y + _BOX_H + 2
    anchor, lx = ("start", x + 5) if down else ("end", x - 5)
    return (
        f'<path d="M{x},{y1} V{y2}" class="edge" marker-end="url(#arrow)"/>'
        f'<text x="{lx:.0f}" y="{(y1 + y2) / 2 + 4:.0f}" class="move" '
        f'text-anchor="{anchor}">{escape(label)}</text>'
    )
