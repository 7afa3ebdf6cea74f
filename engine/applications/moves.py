"""Application operations: start, save answers, fire a trigger; each one transaction.

A trigger is judged by the pure runtime (engine.runtime.machine) and then written here:
the conditional UPDATE on the version counter comes first, so of two reviewers deciding
at once exactly one wins; the other gets `Conflict` and nothing of theirs is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from engine.applications.actions import run_actions
from engine.applications.actions.context import ActionContext
from engine.applications.attempts import Case, actor_of, attempt_for
from engine.platform.clock import utcnow
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import AnswerSnapshot, Application, AuditEvent, User
from engine.platform.years import add_years
from engine.runtime.machine import Attempt, Calendar, Outcome
from engine.spec.fields import field_type
from engine.spec.model import FormSpec


class Conflict(Exception):
    """Someone else changed the application since this person loaded it."""

    message = (
        "Someone else changed this application while you were looking at it. "
        "Reload the page to see its current state, then try again."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


class NotEditable(Exception):
    """The application's state does not let its answers change."""


def title_of(compiled: Compiled, answers: Mapping[str, Any]) -> str:
    """Return a short title for lists: the first text answer of the form."""
    return title_from(compiled.form, answers)


def title_from(form: FormSpec, answers: Mapping[str, Any]) -> str:
    """Return a short title for lists: the first text answer of this form version."""
    for spec in form.fields():
        value = answers.get(spec.id)
        if spec.type == "text" and isinstance(value, str) and value:
            return value[:300]
    return ""


def start(
    session: Session, compiled: Compiled, owner: User, organization_id: int | None = None
) -> Application:
    """Create a new application in the workflow's initial state, pinned to these versions.

    `organization_id` is the organization it is filed for or about (see `organization:`).
    """
    defaults = {
        f.id: field_type(f.type).stored(f.default)
        for f in compiled.form.fields()
        if f.default is not None and not f.is_group
    }
    application = Application(
        workflow=compiled.workflow.name,
        workflow_version=compiled.workflow.version,
        form_version=compiled.form.version,
        state=compiled.workflow.initial,
        owner_id=owner.id,
        organization_id=organization_id,
        answers=defaults,
    )
    session.add(application)
    session.flush()
    session.add(
        AuditEvent(
            application_id=application.id,
            actor_id=owner.id,
            trigger="start",
            from_state=None,
            to_state=application.state,
            workflow_version=application.workflow_version,
            form_version=application.form_version,
        )
    )
    return application


def save_answers(
    session: Session, application: Application, compiled: Compiled, answers: dict[str, Any]
) -> None:
    """Store answers of an application in an editable state (a draft save)."""
    if not compiled.workflow.states[application.state].editable:
        raise NotEditable(application.state)
    now = utcnow()
    result = session.execute(
        update(Application)
        .where(Application.id == application.id, Application.state == application.state)
        .values(
            answers=answers,
            title=title_of(compiled, answers),
            updated_at=now,
            version=Application.version + 1,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()
    session.refresh(application)


@dataclass(frozen=True)
class MoveRequest:
    """One trigger someone asks for on one application, as they asked for it."""

    application_id: int
    trigger: str
    # Who asks; None means the system (the periodic worker): it plays only the role `system`.
    user: User | None
    # The version the person saw: any other one now means someone else moved first.
    expected_version: int
    # The day the move is judged on: guards on dates, deadlines of the state entered.
    today: date
    comment: str = ""
    # The id of the reason chosen, for a transition that declares `reasons`.
    reason: str = ""
    # Why staff go past a guard that lets them.
    override_reason: str = ""


@dataclass(frozen=True)
class MoveContext:
    """What every move runs with: the definitions, the business calendar, the mail settings."""

    registry: DefinitionRegistry
    calendar: Calendar
    mail: MailSettings


def fire(
    session: Session, request: MoveRequest, context: MoveContext, case: Case | None = None
) -> Outcome:
    """Judge and apply one trigger in the caller's transaction; raise Blocked or Conflict.

    `case` is the application and its definitions when the caller has loaded them in this
    session already (a page does, to check access); otherwise they are loaded here.
    """
    case = _case_for(session, request, context.registry, case)
    if case.application.version != request.expected_version:
        raise Conflict()
    attempt = attempt_for(
        session,
        case,
        actor_of(session, case, request.user),
        registry=context.registry,
        calendar=context.calendar,
        today=request.today,
        comment=request.comment,
        reason=request.reason,
        override_reason=request.override_reason,
    )
    outcome = case.compiled.machine.fire(case.application.state, request.trigger, attempt)
    _move_row(session, case, request, outcome)
    _record(session, case.application, request, outcome)
    run_actions(session, outcome.actions, _action_context(case, request, context, outcome, attempt))
    session.flush()
    return outcome


def _case_for(
    session: Session, request: MoveRequest, registry: DefinitionRegistry, case: Case | None
) -> Case:
    """Return the case the request is about: the caller's, or loaded now."""
    if case is not None:
        # Judged and written in this transaction, or the version check would not hold.
        if case.application.id != request.application_id or (
            object_session(case.application) is not session
        ):
            raise ValueError("the case given is not this request's, loaded in this session")
        return case
    application = session.get(Application, request.application_id)
    if application is None:
        raise LookupError(request.application_id)
    compiled = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    return Case(application, compiled)


def _move_row(session: Session, case: Case, request: MoveRequest, outcome: Outcome) -> None:
    """Write the new state if the row is still at the version seen; raise Conflict if not."""
    application, compiled = case
    now = utcnow()
    values: dict[str, Any] = {
        "state": outcome.dest,
        "version": request.expected_version + 1,
        "updated_at": now,
        "state_entered_at": now,
        "due_on": outcome.due_on,
    }
    if application.submitted_at is None and "applicant" in _roles_of(compiled, request.trigger):
        values["submitted_at"] = now
    if compiled.workflow.states[outcome.dest].final:
        values["final_at"] = now
        years = compiled.workflow.retention_years
        values["keep_until"] = None if years is None else add_years(now, years)
    # The first write of the transaction: it takes the row (or SQLite's write) lock, so a
    # concurrent decision either waits and then matches no row, or fails here.
    result = session.execute(
        update(Application)
        .where(
            Application.id == request.application_id,
            Application.version == request.expected_version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()
    session.refresh(application)


def _record(
    session: Session, application: Application, request: MoveRequest, outcome: Outcome
) -> None:
    """Keep the answers as they were moved on, and the audit event that points to them."""
    snapshot = AnswerSnapshot(
        application_id=application.id,
        data=application.answers,
        form_version=application.form_version,
    )
    session.add(snapshot)
    session.flush()
    session.add(
        AuditEvent(
            application_id=application.id,
            actor_id=None if request.user is None else request.user.id,
            trigger=request.trigger,
            from_state=outcome.source,
            to_state=outcome.dest,
            comment=outcome.comment,
            reason=outcome.reason,
            overridden="\n".join(outcome.overridden),
            override_reason=outcome.override_reason,
            workflow_version=application.workflow_version,
            form_version=application.form_version,
            snapshot_id=snapshot.id,
        )
    )


def _action_context(
    case: Case, request: MoveRequest, context: MoveContext, outcome: Outcome, attempt: Attempt
) -> ActionContext:
    """Return what the move's action handlers are given."""
    return ActionContext(
        application=case.application,
        workflow=case.compiled.workflow,
        outcome=outcome,
        actor=request.user,
        mail=context.mail,
        answers=attempt.answers,
        form=case.compiled.form,
        today=request.today,
        calendar=context.calendar,
    )


def _roles_of(compiled: Compiled, trigger: str) -> set[str]:
    return {r for t in compiled.workflow.transitions if t.trigger == trigger for r in t.roles}


def history(session: Session, application_id: int) -> list[AuditEvent]:
    """Return the audit trail of an application, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.application_id == application_id)
            .order_by(AuditEvent.id)
        )
    )


def changes_since_request(
    session: Session, compiled: Compiled, application: Application
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Return (answers when changes were last requested, answers now), if ever requested.

    "Requested" means: the last transition into an editable state other than the first.
    """
    editable = {s for s, spec in compiled.workflow.states.items() if spec.editable}
    if application.state in editable:
        return None  # still with the applicant: nothing has come back yet
    events = history(session, application.id)
    into_editable = [
        e
        for e in events
        if e.to_state in editable and e.from_state is not None and e.snapshot_id is not None
    ]
    if not into_editable:
        return None
    before = session.get(AnswerSnapshot, into_editable[-1].snapshot_id)
    if before is None:
        return None
    return before.data, application.answers
