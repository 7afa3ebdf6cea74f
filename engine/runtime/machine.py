"""Workflow state machines: one `transitions.Machine` per workflow version.

The machine is built once (auto_transitions off, so no `to_<state>` shortcut skips a
guard). Its conditions call `blockers()`, the same function the web layer uses to
decide which buttons to show, so a button is shown exactly when the server would
accept it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from transitions import EventData, Machine, MachineError

from engine.runtime.validation import AnswerError, FormValidator
from engine.spec.conditions import BusinessCalendar, Context
from engine.spec.model import ActionSpec, StateSpec, TransitionSpec, WorkflowSpec


class Calendar(BusinessCalendar, Protocol):
    """A business calendar that can also count forward (see engine.runtime.calendar)."""

    def add_business_days(self, start: date, n: int) -> date:
        """Return the date n business days after start."""
        ...


@dataclass(frozen=True)
class Actor:
    """Who is acting: their roles, whether they own the application, and their place in
    the application's organization."""

    user_id: int | None
    roles: frozenset[str]
    is_owner: bool = False
    # 'manager' | 'member' | None: this person's membership of the application's organization.
    org_role: str | None = None
    # The application is its organization's own (`organization: member`): everyone who
    # works for the organization shares it, as its applicant.
    org_shared: bool = False

    def plays(self, role: str) -> bool:
        """Tell whether this actor may act in a role named in YAML."""
        if role == "applicant":
            # A shared application is the organization's: whoever started it acts on it
            # only while they still work there.
            return self.org_role is not None if self.org_shared else self.is_owner
        if role == "manager":
            return self.org_role == "manager"
        return role in self.roles


# The periodic worker, firing `by: system` transitions; no signed-in user ever holds it.
SYSTEM = Actor(user_id=None, roles=frozenset({"system"}))


@dataclass(frozen=True)
class Attempt:
    """Everything a trigger is judged on."""

    actor: Actor
    answers: Mapping[str, Any]
    today: date
    comment: str = ""
    calendar: Calendar | None = None
    forms: Mapping[str, FormValidator] = field(default_factory=dict)
    # Obligation name -> everything owed is met; for guards using obligations_met.
    obligations: Mapping[str, bool] = field(default_factory=dict)
    # The reason chosen, for a transition that declares `reasons`.
    reason: str = ""
    # Why staff go ahead although a guard fails; only guards with `override` accept it.
    override_reason: str = ""


@dataclass(frozen=True)
class Blocker:
    """Why a transition cannot fire now."""

    # role | guard | override (a guard this actor may override with a reason) | form |
    # comment | reason | state
    kind: str
    message: str
    errors: tuple[AnswerError, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What firing a trigger decided: the store turns it into rows in one transaction."""

    trigger: str
    source: str
    dest: str
    comment: str
    actions: tuple[ActionSpec, ...]
    due_on: date | None
    reason: str = ""
    # The messages of the guards that failed and were overridden, and why.
    overridden: tuple[str, ...] = ()
    override_reason: str = ""


class Blocked(Exception):
    """A trigger was refused; carries every reason."""

    def __init__(self, blockers: list[Blocker]) -> None:
        self.blockers = blockers
        super().__init__("; ".join(b.message for b in blockers))


class _Case:
    """The model object the transitions library moves; one per attempt, then released."""

    def __init__(self, state: str) -> None:
        self.state = state


def blockers(
    transition: TransitionSpec, attempt: Attempt, roles_only: bool = False
) -> list[Blocker]:
    """Return why this transition cannot fire for this attempt (empty when it can)."""
    found: list[Blocker] = []
    actor = attempt.actor
    plays = any(actor.plays(role) for role in transition.roles)
    # Guards are told apart by identity: their conditions need not be hashable.
    overrides = [id(g) for g in transition.guards if any(actor.plays(r) for r in g.override)]
    if not plays and not overrides:
        found.append(Blocker("role", "You are not allowed to do this."))
        return found
    if roles_only:
        return found
    ctx = Context(attempt.answers, attempt.today, None, attempt.calendar, attempt.obligations)
    failing = [g for g in transition.guards if g.when.evaluate(ctx) is not True]
    for guard in failing:
        if id(guard) not in overrides:
            found.append(Blocker("guard", guard.message))
        elif not attempt.override_reason.strip():
            found.append(Blocker("override", guard.message))
    if not plays and not any(id(g) in overrides for g in failing):
        # Someone allowed only to override acts only when there is something to override.
        return [Blocker("role", "You are not allowed to do this.")]
    if transition.form is not None:
        validator = attempt.forms.get(transition.form)
        if validator is not None:
            errors = validator.validate(attempt.answers, attempt.today, calendar=attempt.calendar)
            if errors:
                found.append(Blocker("form", "Some answers need to be fixed first.", tuple(errors)))
    if transition.comment == "required" and not attempt.comment.strip():
        found.append(Blocker("comment", "Write a comment to explain this decision."))
    if transition.reasons and attempt.reason not in {r.value for r in transition.reasons}:
        found.append(Blocker("reason", "Choose the reason for this decision."))
    return found


def overridden(transition: TransitionSpec, attempt: Attempt) -> tuple[str, ...]:
    """Return the messages of the guards this attempt goes past with its written reason."""
    if not attempt.override_reason.strip():
        return ()
    ctx = Context(attempt.answers, attempt.today, None, attempt.calendar, attempt.obligations)
    return tuple(
        g.message
        for g in transition.guards
        if any(attempt.actor.plays(r) for r in g.override) and g.when.evaluate(ctx) is not True
    )


class WorkflowMachine:
    """The state machine of one workflow version."""

    def __init__(self, spec: WorkflowSpec) -> None:
        self.spec = spec
        self._machine = Machine(
            model=None,
            states=list(spec.states),
            initial=spec.initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        for t in spec.transitions:
            self._machine.add_transition(
                t.trigger, list(t.sources), t.dest, conditions=[self._allows(t)]
            )

    @staticmethod
    def _allows(transition: TransitionSpec) -> Any:
        def condition(event: EventData) -> bool:
            attempt: Attempt = event.kwargs["attempt"]
            return not blockers(transition, attempt)

        return condition

    def options(self, state: str, attempt: Attempt) -> list[tuple[TransitionSpec, list[Blocker]]]:
        """Return the transitions this actor's roles allow from state, each with its blockers."""
        result = []
        for t in self.spec.transitions_from(state):
            if blockers(t, attempt, roles_only=True):
                continue
            found = blockers(t, attempt)
            if any(b.kind == "role" for b in found):
                continue  # offered only to override, and nothing needs overriding
            result.append((t, found))
        return result

    def fire(self, state: str, trigger: str, attempt: Attempt) -> Outcome:
        """Fire a trigger from a state; return the outcome or raise Blocked."""
        transition = self.spec.transition(trigger, state)
        if transition is None:
            raise Blocked([Blocker("state", "This action is not possible at this stage.")])
        # The machine's condition judges the attempt; only a refusal is judged again, to
        # say why (so the happy path validates the answers once).
        case = _Case(state)
        self._machine.add_model(case, initial=state)
        try:
            moved = case.trigger(trigger, attempt=attempt)  # type: ignore[attr-defined]
        except MachineError as error:
            raise Blocked([Blocker("state", str(error.value))]) from error
        finally:
            # The shared machine keeps a reference to every model until removed.
            self._machine.remove_model(case)
        if not moved:
            reasons = blockers(transition, attempt)
            raise Blocked(reasons or [Blocker("guard", "This action is not possible right now.")])
        dest = self.spec.states[transition.dest]
        went_past = overridden(transition, attempt)
        return Outcome(
            trigger=trigger,
            source=state,
            dest=transition.dest,
            # A transition declared without comments keeps none, whatever the page sent.
            comment="" if transition.comment == "none" else attempt.comment.strip(),
            actions=transition.actions,
            due_on=due_date(dest, attempt.today, attempt.calendar),
            reason=attempt.reason if transition.reasons else "",
            overridden=went_past,
            override_reason=attempt.override_reason.strip() if went_past else "",
        )


def due_date(state: StateSpec, entered: date, calendar: Calendar | None) -> date | None:
    """Return when a decision on a state entered today is due, if the state has a deadline."""
    if state.due is None:
        return None
    if state.due.business:
        if calendar is None:
            raise RuntimeError("a business-day deadline needs a calendar")
        return calendar.add_business_days(entered, state.due.days)
    return entered + timedelta(days=state.due.days)
