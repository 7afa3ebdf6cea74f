"""The report of overrides: every time staff went past a guard, with their written reason."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.platform.models import Application, AuditEvent


def overrides(
    session: Session, workflow: str | None = None
) -> list[tuple[AuditEvent, Application]]:
    """Return every overridden guard, newest first, each with its application."""
    query = (
        select(AuditEvent, Application)
        .join(Application, Application.id == AuditEvent.application_id)
        .where(AuditEvent.overridden != "")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if workflow:
        query = query.where(Application.workflow == workflow)
    return [(event, application) for event, application in session.execute(query).all()]
