"""The coverage of scenarios: each workflow's moves, one per transition and source state,
set against the moves the cases made."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.scenarios.coverage import Move, coverage, missing, spec_moves
from engine.spec.loader import load_texts
from engine.spec.model import WorkflowSpec

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "definitions"

# A cancel that leaves two states is two paths, each needing its own case.
WORKFLOW = """\
workflow: items
title: Items
form: group_repeat
initial: draft
states:
  draft: {label: Draft, editable: true}
  submitted: {label: Submitted}
  posted: {label: Posted, final: true}
  cancelled: {label: Cancelled, final: true}
transitions:
  - {trigger: submit, from: draft, to: submitted, by: applicant}
  - {trigger: post, from: submitted, to: posted, by: reviewer}
  - {trigger: cancel, from: [draft, submitted], to: cancelled, by: applicant}
"""


@pytest.fixture(scope="module")
def workflow() -> WorkflowSpec:
    form = (FIXTURES / "forms" / "group_repeat.yaml").read_text()
    loaded = load_texts(
        [("forms/group_repeat.yaml", form), ("workflows/items.yaml", WORKFLOW)],
        FIXTURES / "templates",
    )
    return loaded.workflows["items"]


def test_a_workflow_has_one_move_per_transition_and_source(workflow: WorkflowSpec) -> None:
    assert [str(m) for m in spec_moves(workflow)] == [
        "items: submit: draft → submitted",
        "items: post: submitted → posted",
        "items: cancel: draft → cancelled",
        "items: cancel: submitted → cancelled",
    ]


def test_the_moves_no_case_made_are_missing_once_each(workflow: WorkflowSpec) -> None:
    made = [
        Move("items", "submit", "draft", "submitted"),
        Move("items", "submit", "draft", "submitted"),
        Move("items", "cancel", "submitted", "cancelled"),
        # Another workflow's move of the same name leaves this one's gaps as they are.
        Move("others", "post", "submitted", "posted"),
    ]
    assert [str(m) for m in missing([workflow], made)] == [
        "items: post: submitted → posted",
        "items: cancel: draft → cancelled",
    ]
    [entry] = coverage([workflow], made)
    assert (entry.workflow, len(entry.exercised), entry.total) == ("items", 2, 4)


def test_a_workflow_no_case_played_misses_every_move(workflow: WorkflowSpec) -> None:
    [entry] = coverage([workflow], [])
    assert entry.exercised == ()
    assert entry.missing == tuple(spec_moves(workflow))
