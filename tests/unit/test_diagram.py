"""State diagrams: every state and move of a workflow is drawn, as well-formed SVG with a
title, and the diagrams shipped in docs/ are the ones the YAML draws today."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from engine.runtime.diagram import columns, workflow_svg
from engine.spec.loader import Definitions, load_definitions

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def shipped() -> Definitions:
    return load_definitions(
        sorted((ROOT / "forms").glob("*.yaml")),
        sorted((ROOT / "workflows").glob("*.yaml")),
        ROOT / "templates",
    )


def test_columns_count_moves_from_the_start(shipped: Definitions) -> None:
    placed = columns(shipped.workflows["single_event"])
    assert placed["draft"] == 0 and placed["submitted"] == 1
    assert placed["approved"] == placed["denied"] == placed["withdrawn"] == 2
    assert placed["delivered"] == placed["cancelled"] == 3 and placed["reported"] == 4


@pytest.mark.parametrize(
    "name",
    ["access_request", "event_report", "portal_item", "provider_registration", "single_event"],
)
def test_every_state_and_move_is_drawn(shipped: Definitions, name: str) -> None:
    spec = shipped.workflows[name]
    root = ET.fromstring(workflow_svg(spec))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == f"State diagram of the workflow {spec.title}"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for state in spec.states.values():
        assert state.label in texts
    expected = Counter(
        f"{t.trigger} ({', '.join(t.roles)})" for t in spec.transitions for _ in t.sources
    )
    assert Counter(t for t in texts if t in expected) == expected
    # One box per state, two for a final one (its double border).
    finals = sum(1 for s in spec.states.values() if s.final)
    assert len(list(root.iter(f"{SVG}rect"))) == len(spec.states) + finals


def test_text_is_escaped(shipped: Definitions) -> None:
    spec = shipped.workflows["single_event"]
    odd = spec.states["draft"].__class__("draft", 'Draft <b>&</b> "x"')
    states = {**spec.states, "draft": odd}
    tricky = spec.__class__(**{**spec.__dict__, "states": states})
    svg = workflow_svg(tricky)
    assert "Draft &lt;b&gt;&amp;&lt;/b&gt;" in svg
    ET.fromstring(svg)


def test_the_diagrams_in_the_docs_are_current(shipped: Definitions) -> None:
    folder = ROOT / "docs" / "diagrams"
    for name, spec in shipped.workflows.items():
        stored = (folder / f"{name}.svg").read_text(encoding="utf-8")
        assert stored == workflow_svg(spec) + "\n", (
            f"docs/diagrams/{name}.svg is out of date: run "
            "`.venv/bin/flask --app app definitions diagrams docs/diagrams`"
        )
