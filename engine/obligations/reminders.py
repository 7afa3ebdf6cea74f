"""Reminder emails about open obligations: before the due date, on it, and once overdue.

Each email is written to the outbox in the same transaction as the obligation_reminders
row that records it. That row's (obligation, stage) is unique, so a second run, or a
second worker at the same moment, finds the row taken and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engine.applications.contact import applicant_addresses
from engine.applications.obligations import OPEN
from engine.platform.db import Database, get_existing
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import Application, Obligation, ObligationReminder, OutboxMessage
from engine.runtime.obligations import reminder_stage
from engine.runtime.reference import reference
from engine.spec.model import ObligationSpec, WorkflowSpec


@dataclass
class ReminderReport:
    """How many reminders one run wrote to the outbox, and how many were already sent."""

    sent: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"Reminded {self.sent}, skipped {self.skipped}."


def send_reminders(
    db: Database, registry: DefinitionRegistry, today: date, mail: MailSettings
) -> ReminderReport:
    """Write every reminder due today that was not sent yet; one transaction each."""
    report = ReminderReport()
    with db.reading() as session:
        ids = _due_today(session, registry, today)
    for obligation_id in ids:
        try:
            with db.transaction() as session:
                outcome = _remind(session, registry, obligation_id, today, mail)
        except (IntegrityError, OperationalError):
            # Another worker recorded this reminder first (or, on SQLite, wrote while this
            # one was reading); it sends the email, this one sends nothing.
            report.skipped += 1
            continue
        if outcome == "sent":
            report.sent += 1
        elif outcome == "already":
            report.skipped += 1
    return report


def _due_today(session: Session, registry: DefinitionRegistry, today: date) -> list[int]:
    """Return the open obligations with a reminder stage reached today and not yet sent.

    Judged in one read, so a pass with nothing to send opens no transaction at all.
    """
    rows = session.execute(
        select(
            Obligation.id,
            Obligation.name,
            Obligation.due_on,
            Application.workflow,
            Application.workflow_version,
            Application.form_version,
        )
        .join(Application, Application.id == Obligation.application_id)
        .where(Obligation.status == OPEN)
        .order_by(Obligation.id)
    ).all()
    sent = set(
        session.execute(
            select(ObligationReminder.obligation_id, ObligationReminder.stage)
            .join(Obligation, Obligation.id == ObligationReminder.obligation_id)
            .where(Obligation.status == OPEN)
        ).all()
    )
    found = []
    for row in rows:
        workflow = registry.compiled(row.workflow, row.workflow_version, row.form_version).workflow
        spec = workflow.obligations.get(row.name)
        stage = reminder_stage(spec, row.due_on, today) if spec is not None else None
        # A stage already recorded is skipped here; _remind checks again under the lock.
        if stage is not None and (row.id, stage[0]) not in sent:
            found.append(row.id)
    return found


def _remind(
    session: Session,
    registry: DefinitionRegistry,
    obligation_id: int,
    today: date,
    mail: MailSettings,
) -> str:
    obligation = session.get(Obligation, obligation_id)
    if obligation is None or obligation.status != OPEN:
        return "none"
    application = get_existing(session, Application, obligation.application_id)
    workflow = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    ).workflow
    spec = workflow.obligations.get(obligation.name)
    if spec is None:
        return "none"
    stage = reminder_stage(spec, obligation.due_on, today)
    if stage is None:
        return "none"
    name, template = stage
    taken = session.scalar(
        select(ObligationReminder.id).where(
            ObligationReminder.obligation_id == obligation_id, ObligationReminder.stage == name
        )
    )
    if taken is not None:
        return "already"
    # The row first: under a concurrent worker this insert waits, then fails on the key.
    session.add(ObligationReminder(obligation_id=obligation_id, stage=name))
    session.flush()
    for to in applicant_addresses(session, application, workflow):
        session.add(email(mail, template, application, workflow, spec, obligation, today, to))
    return "sent"


def email(
    mail: MailSettings,
    template: str,
    application: Application,
    workflow: WorkflowSpec,
    spec: ObligationSpec,
    obligation: Obligation,
    today: date,
    to: str,
) -> OutboxMessage:
    """Render emails/<template>.txt about one obligation for one recipient, as an outbox row."""
    return mail.email(
        template,
        to,
        application_id=application.id,
        application=application,
        reference=reference(application.id),
        title=application.title or workflow.title,
        workflow=workflow,
        obligation=spec.label,
        item=obligation.label,
        due_on=obligation.due_on,
        days_left=(obligation.due_on - today).days,
        link=mail.link(f"/applications/{application.id}/obligations/{obligation.id}"),
        recipient=to,
    )
