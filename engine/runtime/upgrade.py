"""Whether one application under way can move onto a newer version, and how: its state
mapped as the new version's `upgrade:` says, the answers it declares given to questions
left unanswered, and nothing lost. Pure: it reads frozen specs and the application's
state and answers, and decides; engine.definitions.upgrades writes the move."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.runtime.answers import is_blank
from engine.runtime.machine import Calendar, due_date
from engine.runtime.validation import FormValidator
from engine.spec.change_impact import Change, form_changes, moves_changed_from
from engine.spec.model import FormSpec, UpgradeSpec, WorkflowSpec

NO_UPGRADE = (
    "this version declares no 'upgrade:', so applications under way stay on the version "
    "they started on"
)


@dataclass(frozen=True)
class Case:
    """What the plan needs of an application: where it is, what it holds, and the
    versions it is on now."""

    state: str
    answers: Mapping[str, Any]
    due_on: date | None
    form: FormSpec
    workflow: WorkflowSpec


@dataclass(frozen=True)
class UpgradePlan:
    """The move onto the new version, or why the application stays where it is; and, in
    any case, what the new version changes for it."""

    state: str
    answers: Mapping[str, Any]
    # The questions given the answer `upgrade:` declares, in form order.
    given: tuple[str, ...]
    # (old question, new question) whose answer was carried over, as `questions:` says.
    carried: tuple[tuple[str, str], ...]
    due_on: date | None
    # What stands in the way, under the `upgrade:` declared (or an empty one if none is).
    why_not: tuple[str, ...]
    declared: bool
    # What the new version changes for this application, in words.
    touches: tuple[str, ...]

    @property
    def moves(self) -> bool:
        """Tell whether the application moves."""
        return self.declared and not self.why_not

    @property
    def stays_because(self) -> tuple[str, ...]:
        """Return why it stays (nothing when it moves)."""
        return (() if self.declared else (NO_UPGRADE,)) + self.why_not


def plan_upgrade(
    case: Case,
    workflow: WorkflowSpec,
    validator: FormValidator,
    today: date,
    calendar: Calendar,
    changes: list[Change] | None = None,
) -> UpgradePlan:
    """Decide how one application moves onto `workflow` with the form `validator` checks.

    Without an `upgrade:` the plan is made as if an empty one were declared, so staff see
    what each application would need before they write one. `changes` are the form's
    changes from the case's version, when the caller has them already.
    """
    form = validator.form
    upgrade = workflow.upgrade or UpgradeSpec()
    why_not: list[str] = []
    state = upgrade.states.get(case.state, case.state)
    if state not in workflow.states:
        why_not.append(
            f"its state '{case.state}' is not in this version; say where it goes under "
            f"'upgrade: states:' (the states now: {', '.join(workflow.states)})"
        )
    answers = dict(case.answers)
    carried = []
    for old, new in upgrade.questions.items():
        if not is_blank(answers.get(old)) and is_blank(answers.get(new)):
            answers[new] = answers[old]
            carried.append((old, new))
    given = []
    for spec in form.fields():
        if spec.id in upgrade.answers and is_blank(answers.get(spec.id)):
            answers[spec.id] = upgrade.answers[spec.id]
            given.append(spec.id)
    errors = validator.validate(answers, today, calendar=calendar)
    targets = {new: old for old, new in carried}
    for error in errors:
        top = _top(error.path)
        if top in given:
            # Staff's own answer breaks a rule of the form (a pattern, a length...).
            why_not.append(
                f"the answer 'upgrade:' gives to '{error.field_id}' does not pass: {error.message}"
            )
        elif top in targets:
            why_not.append(
                f"the answer carried from '{targets[top]}' to '{top}' does not pass: "
                f"{error.message}"
            )
    if changes is None:
        changes = form_changes(case.form, form)
    newly = {_top(c.subject) for c in changes if c.kind == "field_required"}
    missing = [_top(e.path) for e in errors if e.rule == "required" and _top(e.path) in newly]
    target = workflow.states.get(state)
    if target is not None and not target.editable and not target.final:
        # Past editing, nobody will be asked again: a newly required question must have
        # an answer now. In an editable state the applicant is asked when they send it;
        # in a final one nothing more is decided.
        for question in dict.fromkeys(missing):
            why_not.append(
                f"the new required question '{_label(form, question)}' ({question}) has no "
                "answer; give one under 'upgrade: answers:'"
            )
    due_on = case.due_on
    if state != case.state and state in workflow.states:
        # A new state starts its own deadline, counted from the day of the move.
        due_on = due_date(workflow.states[state], today, calendar)
    return UpgradePlan(
        state=state,
        answers=answers,
        given=tuple(given),
        carried=tuple(carried),
        due_on=due_on,
        why_not=tuple(dict.fromkeys(why_not)),
        declared=workflow.upgrade is not None,
        touches=_touches(case, workflow, form, changes, missing),
    )


def _touches(
    case: Case,
    workflow: WorkflowSpec,
    form: FormSpec,
    changes: list[Change],
    missing: list[str],
) -> tuple[str, ...]:
    """Say what the new version changes for this application, whether or not it moves."""
    found = []
    if case.state not in workflow.states:
        found.append(f"its state '{case.workflow.states[case.state].label}' is removed")
    found.extend(moves_changed_from(case.workflow, workflow, case.state))
    for change in changes:
        if change.kind == "field_removed" and not is_blank(case.answers.get(change.subject)):
            label = _label(case.form, change.subject)
            found.append(f"its answer to '{label}' is no longer asked (it is kept)")
    for question in dict.fromkeys(missing):
        found.append(f"it has no answer to the new required question '{_label(form, question)}'")
    return tuple(found)


def _top(path: str) -> str:
    """Return the question a path like 'dates[0].day' belongs to."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _label(form: FormSpec, question: str) -> str:
    return next((f.label for f in form.fields() if f.id == question), question)
