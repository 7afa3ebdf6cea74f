"""Who hears about an application as its applicant: its owner, or, for an organization's
own application (`organization: member`) whose owner no longer works there, the
organization's account manager, so a provider's mail never goes to someone who left it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.organizations.memberships import manager_of, role_in
from engine.platform.models import Application
from engine.spec.model import WorkflowSpec


def applicant_addresses(
    session: Session, application: Application, workflow: WorkflowSpec
) -> list[str]:
    """Return the email addresses that `notify: applicant` and reminders write to."""
    owner = application.owner
    shared = workflow.organization == "member" and application.organization_id is not None
    if not shared or role_in(session, owner.id, application.organization_id) is not None:
        return [owner.email]
    manager = manager_of(session, application.organization_id)  # type: ignore[arg-type]
    return [manager.email] if manager is not None and manager.active else []
