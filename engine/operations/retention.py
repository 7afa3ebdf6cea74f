"""Record retention: nothing is purged before its workflow's retention period has passed.

The period is declared in each workflow's YAML (`retention: {years: 5}`) and counts from
the day an application reached a final state. An application under legal hold is never
purged. Purging removes the application with its answers, history, emails, obligations and
their reminders in one transaction, and leaves a row in purge_log saying what went and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import (
    AnswerSnapshot,
    Application,
    AuditEvent,
    Certificate,
    CertificateBatch,
    Obligation,
    ObligationReminder,
    OutboxMessage,
    PurgeRecord,
)
from engine.platform.years import add_years


@dataclass(frozen=True)
class Candidate:
    """An application past its retention period."""

    application_id: int
    workflow: str
    final_at: datetime
    keep_until: datetime
    held: bool
    hold_reason: str


def expired(session: Session, registry: DefinitionRegistry, now: datetime) -> list[Candidate]:
    """Return every final application whose retention period has passed, held ones too."""
    found = []
    rows = session.scalars(
        select(Application).where(Application.final_at.is_not(None)).order_by(Application.id)
    )
    for application in rows:
        final_at = application.final_at
        keep_until = _keep_until(registry, application)
        if final_at is None or keep_until is None:
            continue  # the workflow declares no period: kept for good
        if keep_until <= now:
            found.append(
                Candidate(
                    application.id,
                    application.workflow,
                    final_at,
                    keep_until,
                    application.legal_hold,
                    application.legal_hold_reason,
                )
            )
    return found


def _keep_until(registry: DefinitionRegistry, application: Application) -> datetime | None:
    if application.final_at is None:
        return None
    if application.keep_until is not None:
        return application.keep_until
    # Made final before keep_until existed: judge by the workflow version it is pinned to.
    compiled = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    years = compiled.workflow.retention_years
    return None if years is None else add_years(application.final_at, years)


class Held(Exception):
    """The application is under legal hold, or not past its retention period."""


def purge(
    session: Session,
    registry: DefinitionRegistry,
    application_id: int,
    now: datetime,
    by: str,
) -> PurgeRecord:
    """Delete one expired, unheld application and everything kept about it."""
    # Lock the row first, then judge it again, so a hold placed meanwhile still wins.
    application = session.get(Application, application_id, with_for_update={"of": Application})
    if application is None or application.legal_hold:
        raise Held(application_id)
    keep_until = _keep_until(registry, application)
    if keep_until is None or keep_until > now:
        raise Held(application_id)
    # The database refuses deletes before keep_until and never lets it move earlier; rows
    # made final before it was recorded get it now, from the same rule just checked.
    if application.keep_until is None:
        application.keep_until = keep_until
    elif application.keep_until > now:
        raise Held(application_id)
    session.flush()
    count = 0
    # Reminders hang off obligations, so they go first; then the rows naming the application.
    owed = select(Obligation.id).where(Obligation.application_id == application_id)
    result = session.execute(
        delete(ObligationReminder).where(ObligationReminder.obligation_id.in_(owed))
    )
    count += int(result.rowcount)  # type: ignore[attr-defined]
    # Batches are copies made from certificates, so they go with them.
    for model in (
        OutboxMessage,
        CertificateBatch,
        Certificate,
        AuditEvent,
        AnswerSnapshot,
        Obligation,
    ):
        result = session.execute(delete(model).where(model.application_id == application_id))
        count += int(result.rowcount)  # type: ignore[attr-defined]
    session.delete(application)
    record = PurgeRecord(
        application_id=application_id,
        workflow=application.workflow,
        final_at=application.final_at,
        purged_at=now,
        purged_by=by,
        rows=count + 1,
    )
    session.add(record)
    session.flush()
    return record


def set_hold(
    session: Session, application_id: int, reason: str, by: str, *, held: bool
) -> Application:
    """Place or lift a legal hold, saying why and who; the database writes it into the history."""
    application = session.get(Application, application_id, with_for_update={"of": Application})
    if application is None:
        raise LookupError(application_id)
    application.legal_hold = held
    application.legal_hold_reason = reason
    # The database writes the history row from these and then clears legal_hold_by, so a
    # later change typed by hand is never credited to whoever changed the hold before.
    application.legal_hold_by = by
    session.flush()
    return application
