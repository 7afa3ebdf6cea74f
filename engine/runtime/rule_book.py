"""A workflow's rules in plain words, for the public: what is asked, who decides, and by
when. Worked out from the YAML itself, so the page can never disagree with the system.

Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.runtime.diagram import columns
from engine.spec.model import Due, FieldSpec, FormSpec, TransitionSpec, WorkflowSpec

_WHO = {
    "reviewer": "agency reviewers",
    "admin": "agency administrators",
    "manager": "the provider's account manager",
    "system": "the system, on its own",
}


@dataclass(frozen=True)
class Question:
    """One question as the rule book states it."""

    label: str
    need: str  # "required", "optional", "required when ...", ...
    asked_when: str = ""  # "" when always asked
    parts: tuple[Question, ...] = ()
    repeat: str = ""


@dataclass(frozen=True)
class Page:
    """One page of the form: its title and questions."""

    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Step:
    """One state, with its deadline and the moves out of it, in words."""

    label: str
    description: str
    deadline: str
    moves: tuple[str, ...]
    final: bool


@dataclass(frozen=True)
class RuleBook:
    """A workflow's rules, in plain words."""

    title: str
    description: str
    who_applies: str
    pages: tuple[Page, ...]
    checks: tuple[str, ...]
    steps: tuple[Step, ...]
    owed: tuple[str, ...]
    records: str


def rule_book(workflow: WorkflowSpec, form: FormSpec) -> RuleBook:
    """Return the rule book of a workflow and its form."""
    order = columns(workflow)
    states = sorted(workflow.states, key=lambda s: (order[s], list(workflow.states).index(s)))
    return RuleBook(
        title=workflow.title,
        description=(workflow.description or form.description or "").strip(),
        who_applies=_who_applies(workflow),
        pages=tuple(
            Page(p.title, tuple(_question(f) for f in p.fields if f.type != "group" or f.fields))
            for p in form.pages
        ),
        checks=tuple(rule.message for rule in form.rules),
        steps=tuple(_step(workflow, name) for name in states),
        owed=tuple(_owed(workflow)),
        records=_records(workflow),
    )


def _who_applies(workflow: WorkflowSpec) -> str:
    if workflow.organization == "member":
        return (
            "People who work for an approved provider, on the provider's behalf: everyone "
            "who works for it shares what it files."
        )
    if workflow.organization == "chosen":
        return "Anyone with an account, about a provider they choose."
    return "Anyone with an account, for themselves."


def _question(spec: FieldSpec) -> Question:
    if spec.require_if is not None:
        need = f"required when {_lower(spec.require_if.describe())}"
    else:
        need = "required" if spec.required else "optional"
    asked_when = _lower(spec.show_if.describe()) if spec.show_if is not None else ""
    repeat = ""
    if spec.repeat is not None:
        # A repeating group is needed as often as its repeat says, not by `required`.
        repeat = f"from {spec.repeat.min} to {spec.repeat.max} times"
        need = ""
    return Question(
        label=spec.label,
        need=need,
        asked_when=asked_when,
        parts=tuple(_question(f) for f in spec.fields),
        repeat=repeat,
    )


def _step(workflow: WorkflowSpec, name: str) -> Step:
    state = workflow.states[name]
    return Step(
        label=state.label,
        description=state.description or "",
        deadline=_deadline(state.due) if state.due else "",
        moves=tuple(_move(workflow, t) for t in workflow.transitions_from(name)),
        final=state.final,
    )


def _deadline(due: Due) -> str:
    unit = "business day" if due.business else "day"
    return f"Decided within {due.days} {unit}{'s' if due.days != 1 else ''}."


def _move(workflow: WorkflowSpec, t: TransitionSpec) -> str:
    who = " or ".join(_who(workflow, role) for role in t.roles)
    to = workflow.states[t.dest].label
    words = f"“{t.label}”: {who}, and it becomes {to}."
    if t.form:
        words += " Every answer must be complete and correct."
    for guard in t.guards:
        words += f" When the rules do not allow it yet, it says: “{guard.message}”"
        if guard.override:
            words += " Agency staff may make an exception, with a written reason."
    if t.reasons:
        words += " The reason given is one of: " + "; ".join(r.label for r in t.reasons) + "."
    if t.comment == "required":
        words += " A comment explains it."
    return words


def _who(workflow: WorkflowSpec, role: str) -> str:
    if role == "applicant":
        return "the provider's people" if workflow.organization == "member" else "the applicant"
    return _WHO.get(role, role)


def _owed(workflow: WorkflowSpec) -> list[str]:
    found = []
    for spec in workflow.obligations.values():
        after = "each date" if spec.each_item else "the event"
        words = f"{spec.label}: due {spec.due.days} {'business ' if spec.due.business else ''}"
        words += f"days after {after}"
        if spec.periods is not None:
            words += f" (for a course without dates: every {spec.periods.months} months)"
        words += "."
        if spec.reminders.days_before:
            days = " and ".join(str(d) for d in spec.reminders.days_before)
            words += f" A reminder is emailed {days} days before it is due."
        if spec.reminders.overdue_template:
            words += " Once overdue, the agency sees it on its list of reports owed."
        found.append(words)
    return found


def _records(workflow: WorkflowSpec) -> str:
    if workflow.retention_years is None:
        return "Records are kept."
    return (
        f"Records are kept at least {workflow.retention_years} years after the decision "
        "(ARM 10.57.216), then may be deleted."
    )


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
