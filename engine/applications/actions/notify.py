"""The `notify` action: render an email template and write it to the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.accounts.users import users_with_role
from engine.applications.actions.context import ActionContext
from engine.applications.contact import applicant_addresses
from engine.organizations.memberships import manager_of
from engine.platform.models import Organization
from engine.runtime.reference import reference
from engine.spec.model import ActionSpec


def recipients(session: Session, target: str, ctx: ActionContext) -> list[str]:
    """Return the addresses a notify target names."""
    if target == "applicant":
        return applicant_addresses(session, ctx.application, ctx.workflow)
    if target == "manager":
        organization_id = ctx.application.organization_id
        manager = manager_of(session, organization_id) if organization_id else None
        return [manager.email] if manager is not None and manager.active else []
    role = {"reviewers": "reviewer", "admins": "admin"}[target]
    return [user.email for user in users_with_role(session, role)]


def about_the_move(ctx: ActionContext, organization: Organization | None) -> dict[str, Any]:
    """Return what an email about the move may name: the application, its state, the reason."""
    app = ctx.application
    outcome = ctx.outcome
    transition = ctx.workflow.transition(outcome.trigger, outcome.source)
    reason_label = transition.reason_label(outcome.reason) if transition and outcome.reason else ""
    return {
        "application": app,
        "reference": reference(app.id),
        "title": app.title or ctx.workflow.title,
        "workflow": ctx.workflow,
        "state": ctx.workflow.states[app.state],
        "comment": outcome.comment,
        "reason": outcome.reason,
        "reason_label": reason_label,
        "link": ctx.mail.link(f"/applications/{app.id}"),
        "due_on": app.due_on,
        "organization": organization,
    }


def notify(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Write one outbox row per recipient, in the caller's transaction."""
    template = str(action.params["template"])
    organization_id = ctx.application.organization_id
    # Read here, not by the template: an earlier action (create_organization) may have
    # just made it.
    organization = session.get(Organization, organization_id) if organization_id else None
    context = about_the_move(ctx, organization)
    for to in recipients(session, str(action.params["notify"]), ctx):
        session.add(
            ctx.mail.email(template, to, application_id=ctx.application.id, recipient=to, **context)
        )
