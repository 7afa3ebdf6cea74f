"""Whether one application under way can move onto a newer version, and how: its state
mapped as the new version's `upgrade:` says, the answers it declares given to questions
left unanswered, and nothing lost. Pure: it reads frozen specs and the application's
state and answers, and decides; engine.store.upgrades writes the move."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.runtime.answers import is_blank
from engine.runtime.machine import Calendar, due_date
from engine.runtime.validation import FormValidator
from engine.spec.change_impact import form_changes
from engine.spec.model import FormSpec, WorkflowSpec

NO_UPGRADE = (
    "this version declares no 'upgrade:', so applications under way stay on the version "
    "they started on"
)


@dataclass(frozen=True)
class Case:
    """What the plan needs of an application: where it is and what it holds."""

    state: str
    answers: Mapping[str, Any]
    due_on: date | None
    form: FormSpec  # the version of the form it is on now


@dataclass(frozen=True)
class UpgradePlan:
    """The move onto the new version, or why the application stays where it is."""

    state: str
    answers: Mapping[str, Any]
    # The questions given the answer `upgrade:` declares, in form order.
    given: tuple[str, ...]
    due_on: date | None
    why_not: tuple[str, ...] = ()

    @property
    def moves(self) -> bool:
        """Tell whether the application can move."""
        return not self.why_not


def plan_upgrade(
    case: Case,
    workflow: WorkflowSpec,
    validator: FormValidator,
    today: date,
    calendar: Calendar,
) -> UpgradePlan:
    """Decide how one application moves onto `workflow` with the form `validator` checks."""
    form = validator.form
    upgrade = workflow.upgrade
    if upgrade is None:
        return UpgradePlan(case.state, case.answers, (), case.due_on, (NO_UPGRADE,))
    why_not: list[str] = []
    state = upgrade.states.get(case.state, case.state)
    if state not in workflow.states:
        why_not.append(
            f"its state '{case.state}' is not in this version; say where it goes under "
            f"'upgrade: states:' (the states now: {', '.join(workflow.states)})"
        )
    answers = dict(case.answers)
    given = []
    for spec in form.fields():
        if spec.id in upgrade.answers and is_blank(answers.get(spec.id)):
            answers[spec.id] = upgrade.answers[spec.id]
            given.append(spec.id)
    errors = validator.validate(answers, today, calendar=calendar)
    for error in errors:
        if _top(error.path) in given:
            # Staff's own answer breaks a rule of the form (a pattern, a length...).
            why_not.append(
                f"the answer 'upgrade:' gives to '{error.field_id}' does not pass: {error.message}"
            )
    if state in workflow.states and not workflow.states[state].editable:
        # Past editing, nobody will be asked again: a newly required question must have
        # an answer now. In an editable state the applicant is asked when they send it.
        newly = {
            _top(c.subject) for c in form_changes(case.form, form) if c.kind == "field_required"
        }
        for error in errors:
            if error.rule == "required" and _top(error.path) in newly:
                label = _label(form, _top(error.path))
                why_not.append(
                    f"the new required question '{label}' ({_top(error.path)}) has no answer; "
                    f"give one under 'upgrade: answers:'"
                )
    due_on = case.due_on
    if state != case.state and state in workflow.states:
        # A new state starts its own deadline, counted from the day of the move.
        due_on = due_date(workflow.states[state], today, calendar)
    return UpgradePlan(state, answers, tuple(given), due_on, tuple(dict.fromkeys(why_not)))


def _top(path: str) -> str:
    """Return the question a path like 'dates[0].day' belongs to."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _label(form: FormSpec, question: str) -> str:
    return next((f.label for f in form.fields() if f.id == question), question)
