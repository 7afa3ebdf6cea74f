"""Move applications under way onto the version in force, as its `upgrade:` declares.

`pending` lists the applications of a workflow that are on an earlier version, each with
its plan (engine.runtime.upgrade); `move` writes the plans that can be carried out, one
conditional UPDATE each, so an application changed meanwhile is left for the next run.
Each move is an audit event `definitions:upgrade` with a snapshot of the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, not_, select, update
from sqlalchemy.orm import Session

from engine.applications.moves import title_from
from engine.platform.clock import utcnow
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import AnswerSnapshot, Application, AuditEvent
from engine.platform.years import add_years
from engine.runtime.machine import Calendar
from engine.runtime.reference import reference
from engine.runtime.upgrade import Case, UpgradePlan, plan_upgrade
from engine.runtime.validation import FormValidator
from engine.spec.change_impact import Change, form_changes
from engine.spec.model import WorkflowSpec

UPGRADE = "definitions:upgrade"


@dataclass(frozen=True)
class Target:
    """The version applications would move onto: a workflow and its form's validator."""

    workflow: WorkflowSpec
    validator: FormValidator

    @property
    def versions(self) -> tuple[str, str]:
        """Return the workflow version and the form version."""
        return self.workflow.version, self.validator.form.version


@dataclass(frozen=True)
class Pending:
    """One application on an earlier version, and how it would move."""

    application_id: int
    expected_version: int
    title: str
    state: str
    versions: tuple[str, str]
    plan: UpgradePlan

    @property
    def reference(self) -> str:
        """Return the reference number, e.g. 000012."""
        return reference(self.application_id)


@dataclass(frozen=True)
class Moved:
    """What `move` did with one pending application."""

    pending: Pending
    moved: bool
    why_not: tuple[str, ...]


def in_force(registry: DefinitionRegistry, workflow: str) -> Target:
    """Return the version in force of a workflow as a target."""
    compiled = registry.latest(workflow)
    return Target(compiled.workflow, compiled.validator)


def pending(
    session: Session,
    registry: DefinitionRegistry,
    target: Target,
    today: date,
    calendar: Calendar,
    limit: int | None = None,
) -> list[Pending]:
    """Return the applications under way on another version than the target, planned:
    every one, or the first `limit` (by reference number)."""
    rows = session.scalars(
        select(Application).where(*_elsewhere(target)).order_by(Application.id).limit(limit)
    ).all()
    found = []
    # Applications on the same versions share what the new form changes for them.
    changes: dict[tuple[str, str], list[Change]] = {}
    for row in rows:
        current = registry.compiled(row.workflow, row.workflow_version, row.form_version)
        key = (row.workflow_version, row.form_version)
        if key not in changes:
            changes[key] = form_changes(current.form, target.validator.form)
        case = Case(row.state, row.answers, row.due_on, current.form, current.workflow)
        found.append(
            Pending(
                application_id=row.id,
                expected_version=row.version,
                title=row.title,
                state=row.state,
                versions=(row.workflow_version, row.form_version),
                plan=plan_upgrade(
                    case, target.workflow, target.validator, today, calendar, changes[key]
                ),
            )
        )
    return found


def count_pending(session: Session, target: Target) -> int:
    """Count the applications under way on another version than the target."""
    return int(
        session.scalar(select(func.count()).select_from(Application).where(*_elsewhere(target)))
        or 0
    )


def _elsewhere(target: Target) -> tuple[ColumnElement[bool], ...]:
    """Return the conditions for an application under way on another version."""
    workflow_version, form_version = target.versions
    return (
        Application.workflow == target.workflow.name,
        Application.final_at.is_(None),
        not_(
            and_(
                Application.workflow_version == workflow_version,
                Application.form_version == form_version,
            )
        ),
    )


def move(
    session: Session,
    registry: DefinitionRegistry,
    target: Target,
    by: int | None,
    today: date,
    calendar: Calendar,
) -> list[Moved]:
    """Move every pending application whose plan allows it; return what happened to each.

    `by` is the id of the person publishing; None for the command line.
    """
    workflow_version, form_version = target.versions
    results = []
    moved: list[tuple[Pending, AnswerSnapshot]] = []
    for item in pending(session, registry, target, today, calendar):
        if not item.plan.moves:
            results.append(Moved(item, False, item.plan.stays_because))
            continue
        plan = item.plan
        now = utcnow()
        values: dict[str, Any] = {
            "workflow_version": workflow_version,
            "form_version": form_version,
            "state": plan.state,
            "answers": dict(plan.answers),
            "title": title_from(target.validator.form, plan.answers),
            "due_on": plan.due_on,
            "version": item.expected_version + 1,
            "updated_at": now,
        }
        if plan.state != item.state:
            values["state_entered_at"] = now
            if target.workflow.states[plan.state].final:
                # Mapped into a final state: it is decided now, and its retention counts.
                years = target.workflow.retention_years
                values["final_at"] = now
                # Never earlier than it was: the database refuses to shorten a record's life.
                values["keep_until"] = _no_earlier(None if years is None else add_years(now, years))
        result = session.execute(
            update(Application)
            .where(
                Application.id == item.application_id,
                Application.version == item.expected_version,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            results.append(Moved(item, False, ("it changed while moving; run it again",)))
            continue
        snapshot = AnswerSnapshot(
            application_id=item.application_id, data=dict(plan.answers), form_version=form_version
        )
        session.add(snapshot)
        moved.append((item, snapshot))
        results.append(Moved(item, True, ()))
    # One flush gives every snapshot its id; then each move's audit event points at its own.
    session.flush()
    for item, snapshot in moved:
        session.add(
            AuditEvent(
                application_id=item.application_id,
                actor_id=by,
                trigger=UPGRADE,
                from_state=item.state,
                to_state=item.plan.state,
                comment=_comment(target, item.plan),
                workflow_version=workflow_version,
                form_version=form_version,
                snapshot_id=snapshot.id,
            )
        )
    session.flush()
    return results


def _comment(target: Target, plan: UpgradePlan) -> str:
    """Say in the history what moved and why: the note, and the answers given."""
    workflow_version, form_version = target.versions
    upgrade = target.workflow.upgrade
    lines = [
        f"Moved onto the rules in force (workflow version {workflow_version[:8]}, "
        f"form version {form_version[:8]})."
    ]
    if upgrade is not None and upgrade.note:
        lines.append(upgrade.note)
    form = target.validator.form
    labels = {f.id: f.label for f in form.fields()}
    for old, new in plan.carried:
        lines.append(f"The answer to '{old}' is now the answer to '{labels.get(new, new)}'.")
    for question in plan.given:
        lines.append(
            f"Answer given to '{labels.get(question, question)}': {plan.answers[question]}"
        )
    return "\n".join(lines)


def _no_earlier(keep_until: datetime | None) -> Any:
    """Return the SQL for keep_until moved to this date unless it already lies later."""
    if keep_until is None:
        return Application.keep_until
    return case((Application.keep_until > keep_until, Application.keep_until), else_=keep_until)
