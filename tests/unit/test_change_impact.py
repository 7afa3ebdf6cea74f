"""Change impact: what differs between two versions, in terms of applications under way."""

from __future__ import annotations

from pathlib import Path

from engine.spec.change_impact import form_changes, workflow_changes
from engine.spec.loader import Definitions, load_texts

ROOT = Path(__file__).resolve().parents[2]


def _load(form_text: str, workflow_text: str) -> Definitions:
    return load_texts(
        [("forms/portal_item.yaml", form_text), ("workflows/portal_item.yaml", workflow_text)],
        ROOT / "templates",
    )


def test_removed_states_moves_and_new_required_questions() -> None:
    form = (ROOT / "forms" / "portal_item.yaml").read_text()
    flow = (ROOT / "workflows" / "portal_item.yaml").read_text()
    old = _load(form, flow)
    cancel = flow[flow.index("  - trigger: cancel\n") :]
    assert "cancelled:" in flow
    state = flow[flow.index("  cancelled:\n") : flow.index("\n\n", flow.index("  cancelled:\n"))]
    new_flow = flow.replace(cancel, "").replace(state + "\n", "")
    assert "title: title" in new_flow
    new_form = form.replace(
        "      - id: cost\n",
        "      - id: seats\n        type: whole_number\n        label: Seats\n"
        "        required: true\n      - id: cost\n",
    )
    new = _load(new_form, new_flow)
    changes = workflow_changes(old.workflows["portal_item"], new.workflows["portal_item"])
    changes += form_changes(old.forms["portal_item"], new.forms["portal_item"])
    kinds = {(c.kind, c.subject, c.affects_in_flight) for c in changes}
    assert ("state_removed", "cancelled", True) in kinds
    assert ("move_removed", "cancel: posted → cancelled", True) in kinds
    assert ("field_required", "seats", True) in kinds
    assert not any(c.kind == "guard_changed" for c in changes)


def test_the_same_files_change_nothing() -> None:
    form = (ROOT / "forms" / "portal_item.yaml").read_text()
    flow = (ROOT / "workflows" / "portal_item.yaml").read_text()
    a, b = _load(form, flow), _load(form, flow)
    assert workflow_changes(a.workflows["portal_item"], b.workflows["portal_item"]) == []
    assert form_changes(a.forms["portal_item"], b.forms["portal_item"]) == []
