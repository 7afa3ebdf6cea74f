"""Guards staff may override with a written reason, and decisions that need a reason chosen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.runtime.calendar import BusinessCalendar, montana
from engine.runtime.machine import Actor, Attempt, Blocked, WorkflowMachine
from engine.runtime.validation import FormValidator
from engine.spec.loader import Definitions, load_texts

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "definitions"

WORKFLOW = ROOT / "tests" / "fixtures" / "exceptions" / "workflows" / "exceptions.yaml"

OWNER = Actor(1, frozenset({"applicant"}), is_owner=True)
REVIEWER = Actor(3, frozenset({"reviewer"}))
STRANGER = Actor(2, frozenset({"applicant"}))
MONDAY = date(2026, 3, 9)
LATE = {"title": "Fall institute", "dates": [{"date": "2026-03-16", "hours": 4}]}
ON_TIME = {"title": "Fall institute", "dates": [{"date": "2026-03-19", "hours": 4}]}
LATE_AND_LONG = {
    "title": "Fall institute",
    "dates": [{"date": "2026-03-16", "hours": 10}],
    "total_hours": 10,
}


@pytest.fixture(scope="module")
def definitions() -> Definitions:
    form = (FIXTURES / "forms" / "group_repeat.yaml").read_text()
    return load_texts(
        [("forms/group_repeat.yaml", form), ("workflows/exceptions.yaml", WORKFLOW.read_text())],
        FIXTURES / "templates",
    )


@pytest.fixture(scope="module")
def machine(definitions: Definitions) -> WorkflowMachine:
    return WorkflowMachine(definitions.workflows["exceptions"])


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return montana()


def _attempt(
    definitions: Definitions,
    actor: Actor,
    answers: dict[str, object],
    calendar: BusinessCalendar,
    **extra: str,
) -> Attempt:
    forms = {name: FormValidator(form) for name, form in definitions.forms.items()}
    return Attempt(
        actor,
        answers,
        MONDAY,
        extra.get("comment", ""),
        calendar,
        forms,
        {},
        extra.get("reason", ""),
        extra.get("override_reason", ""),
    )


def test_the_spec_keeps_who_may_override_and_the_reasons(definitions: Definitions) -> None:
    flow = definitions.workflows["exceptions"]
    submit = flow.transition("submit", "draft")
    refuse = flow.transition("refuse", "submitted")
    assert submit is not None and refuse is not None
    assert [g.override for g in submit.guards] == [("reviewer", "admin"), ()]
    assert [(r.value, r.label) for r in refuse.reasons] == [
        ("sales", "Sales-based"),
        ("missing_details", "Missing key details"),
    ]
    assert refuse.reason_label("sales") == "Sales-based"
    assert refuse.reason_label("gone") == "gone"


def test_the_applicant_cannot_override(
    definitions: Definitions, machine: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    at = _attempt(definitions, OWNER, LATE, calendar, override_reason="Please")
    with pytest.raises(Blocked) as refused:
        machine.fire("draft", "submit", at)
    assert [(b.kind, b.message) for b in refused.value.blockers] == [
        ("guard", "Apply at least 10 days before the event.")
    ]


def test_a_reviewer_is_offered_the_override_only_when_the_guard_fails(
    definitions: Definitions, machine: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    late = machine.options("draft", _attempt(definitions, REVIEWER, LATE, calendar))
    assert [(t.trigger, [(b.kind, b.message) for b in found]) for t, found in late] == [
        ("submit", [("override", "Apply at least 10 days before the event.")])
    ]
    # On time there is nothing to override, and the reviewer does not send it for them.
    assert machine.options("draft", _attempt(definitions, REVIEWER, ON_TIME, calendar)) == []
    with pytest.raises(Blocked) as refused:
        machine.fire(
            "draft",
            "submit",
            _attempt(definitions, REVIEWER, ON_TIME, calendar, override_reason="Asked by phone"),
        )
    assert [b.kind for b in refused.value.blockers] == ["role"]
    # A stranger is offered nothing.
    assert machine.options("draft", _attempt(definitions, STRANGER, LATE, calendar)) == []


def test_an_override_needs_a_written_reason(
    definitions: Definitions, machine: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    with pytest.raises(Blocked) as refused:
        machine.fire(
            "draft",
            "submit",
            _attempt(definitions, REVIEWER, LATE, calendar, override_reason="   "),
        )
    assert [b.kind for b in refused.value.blockers] == ["override"]
    outcome = machine.fire(
        "draft",
        "submit",
        _attempt(
            definitions, REVIEWER, LATE, calendar, override_reason=" The venue changed late. "
        ),
    )
    assert (outcome.dest, outcome.overridden, outcome.override_reason) == (
        "submitted",
        ("Apply at least 10 days before the event.",),
        "The venue changed late.",
    )


def test_an_override_sets_aside_only_its_own_guard(
    definitions: Definitions, machine: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    at = _attempt(definitions, REVIEWER, LATE_AND_LONG, calendar, override_reason="Exception")
    with pytest.raises(Blocked) as refused:
        machine.fire("draft", "submit", at)
    assert [(b.kind, b.message) for b in refused.value.blockers] == [
        ("guard", "No day lasts more than 8 hours.")
    ]
    # The form is still checked: an incomplete application is not sent by an override.
    incomplete = {"dates": [{"date": "2026-03-16", "hours": 4}]}
    at = _attempt(definitions, REVIEWER, incomplete, calendar, override_reason="Exception")
    with pytest.raises(Blocked) as refused:
        machine.fire("draft", "submit", at)
    assert [b.kind for b in refused.value.blockers] == ["form"]


def test_an_owner_on_time_records_no_override(
    definitions: Definitions, machine: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    at = _attempt(definitions, OWNER, ON_TIME, calendar, override_reason="ignored")
    outcome = machine.fire("draft", "submit", at)
    assert (outcome.overridden, outcome.override_reason) == ((), "")


@pytest.mark.parametrize(
    ("reason", "comment", "kinds"),
    [
        ("", "Not for us.", ["reason"]),
        ("free_lunch", "Not for us.", ["reason"]),
        ("sales", "", ["comment"]),
        ("", "", ["comment", "reason"]),
    ],
)
def test_a_decision_with_reasons_needs_one_of_them(
    definitions: Definitions,
    machine: WorkflowMachine,
    calendar: BusinessCalendar,
    reason: str,
    comment: str,
    kinds: list[str],
) -> None:
    at = _attempt(definitions, REVIEWER, ON_TIME, calendar, reason=reason, comment=comment)
    with pytest.raises(Blocked) as refused:
        machine.fire("submitted", "refuse", at)
    assert [b.kind for b in refused.value.blockers] == kinds


def test_the_reason_chosen_is_in_the_outcome_and_only_where_asked(
    definitions: Definitions, machine: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    at = _attempt(definitions, REVIEWER, ON_TIME, calendar, reason="sales", comment="A sale.")
    assert machine.fire("submitted", "refuse", at).reason == "sales"
    assert machine.fire("submitted", "post", at).reason == ""
