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

from jinja2 import Environment
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.accounts.mail import AccountMail
from engine.applications.actions import run_actions
from engine.applications.actions.context import ActionContext
from engine.applications.obligations import met_by_name
from engine.organizations.memberships import role_in
from engine.platform.clock import utcnow
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.models import AnswerSnapshot, Application, AuditEvent, User
from engine.platform.years import add_years
from engine.runtime.answers import answers_that_count
from engine.runtime.machine import SYSTEM, Actor, Attempt, Calendar, Outcome
from engine.spec.fields import field_type
from engine.spec.model import FormSpec, WorkflowSpec


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


@dataclass(frozen=True)
class Mail:
    """How action handlers render email: templates and links."""

    emails: Environment
    base_url: str
    site_name: str
    staff_contact: str
    # Signs links in emails (set-password invitations); the app's SECRET_KEY.
    secret_key: str = ""

    def account_mail(self) -> AccountMail:
        """Return the same settings for account emails (invitations, resets)."""
        return AccountMail(
            self.emails, self.base_url, self.site_name, self.staff_contact, self.secret_key
        )


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


def fire(
    session: Session,
    registry: DefinitionRegistry,
    application_id: int,
    trigger: str,
    user: User | None,
    expected_version: int,
    comment: str,
    today: date,
    calendar: Calendar,
    mail: Mail,
    *,
    reason: str = "",
    override_reason: str = "",
) -> Outcome:
    """Judge and apply one trigger in the caller's transaction; raise Blocked or Conflict.

    `user` None means the system (the periodic worker): it plays only the role `system`.
    `reason` is the id of the reason chosen; `override_reason` why staff go past a guard.
    """
    application = session.get(Application, application_id)
    if application is None:
        raise LookupError(application_id)
    if application.version != expected_version:
        raise Conflict()
    compiled = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    attempt = Attempt(
        actor=SYSTEM if user is None else actor_for(session, user, application, compiled.workflow),
        # Guards judge what the applicant can see: an answer to a hidden question is moot.
        answers=answers_that_count(compiled.form, application.answers, today, calendar),
        today=today,
        comment=comment,
        calendar=calendar,
        forms=registry.validators_for(compiled),
        obligations=met_by_name(session, application.id) if compiled.workflow.obligations else {},
        reason=reason,
        override_reason=override_reason,
    )
    outcome = compiled.machine.fire(application.state, trigger, attempt)
    now = utcnow()
    values: dict[str, Any] = {
        "state": outcome.dest,
        "version": expected_version + 1,
        "updated_at": now,
        "state_entered_at": now,
        "due_on": outcome.due_on,
    }
    if application.submitted_at is None and "applicant" in _roles_of(compiled, trigger):
        values["submitted_at"] = now
    if compiled.workflow.states[outcome.dest].final:
        values["final_at"] = now
        years = compiled.workflow.retention_years
        values["keep_until"] = None if years is None else add_years(now, years)
    # The first write of the transaction: it takes the row (or SQLite's write) lock, so a
    # concurrent decision either waits and then matches no row, or fails here.
    result = session.execute(
        update(Application)
        .where(Application.id == application_id, Application.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()
    session.refresh(application)
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
            actor_id=None if user is None else user.id,
            trigger=trigger,
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
    run_actions(
        session,
        outcome.actions,
        ActionContext(
            application=application,
            workflow=compiled.workflow,
            outcome=outcome,
            actor=user,
            emails=mail.emails,
            base_url=mail.base_url,
            site_name=mail.site_name,
            staff_contact=mail.staff_contact,
            secret_key=mail.secret_key,
            answers=attempt.answers,
            form=compiled.form,
            today=today,
            calendar=calendar,
        ),
    )
    session.flush()
    return outcome


def _roles_of(compiled: Compiled, trigger: str) -> set[str]:
    return {r for t in compiled.workflow.transitions if t.trigger == trigger for r in t.roles}


def actor_for(
    session: Session, user: User | Any, application: Application, workflow: WorkflowSpec
) -> Actor:
    """Return the actor a signed-in user is for one application."""
    roles = user.role_set() if hasattr(user, "role_set") else frozenset(user.roles)
    return Actor(
        user_id=user.id,
        roles=roles,
        is_owner=application.owner_id == user.id,
        org_role=role_in(session, user.id, application.organization_id),
        org_shared=workflow.organization == "member",
    )


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
