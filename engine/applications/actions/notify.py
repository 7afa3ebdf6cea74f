"""The `notify` action: render an email template and write it to the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.accounts.users import users_with_role
from engine.applications.actions.context import ActionContext
from engine.applications.contact import applicant_addresses
from engine.organizations.memberships import manager_of
from engine.platform.models import Organization, OutboxMessage
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


def render(
    ctx: ActionContext, template: str, to: str, organization: Organization | None = None
) -> tuple[str, str]:
    """Render emails/<template>.txt; its first line is 'Subject: ...'."""
    app = ctx.application
    state = ctx.workflow.states[app.state]
    outcome = ctx.outcome
    transition = ctx.workflow.transition(outcome.trigger, outcome.source)
    reason_label = transition.reason_label(outcome.reason) if transition and outcome.reason else ""
    text = ctx.emails.get_template(f"emails/{template}.txt").render(
        application=app,
        reference=reference(app.id),
        title=app.title or ctx.workflow.title,
        workflow=ctx.workflow,
        state=state,
        comment=outcome.comment,
        reason=outcome.reason,
        reason_label=reason_label,
        recipient=to,
        link=f"{ctx.base_url}/applications/{app.id}",
        site_name=ctx.site_name,
        staff_contact=ctx.staff_contact,
        due_on=app.due_on,
        organization=organization,
    )
    first, _, body = text.partition("\n")
    subject = first.removeprefix("Subject:").strip()
    return subject, body.lstrip("\n")


def notify(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Write one outbox row per recipient, in the caller's transaction."""
    template = str(action.params["template"])
    organization_id = ctx.application.organization_id
    # Read here, not by the template: an earlier action (create_organization) may have
    # just made it.
    organization = session.get(Organization, organization_id) if organization_id else None
    for to in recipients(session, str(action.params["notify"]), ctx):
        subject, body = render(ctx, template, to, organization)
        session.add(
            OutboxMessage(
                application_id=ctx.application.id,
                template=template,
                to_addr=to,
                subject=subject,
                body=body,
            )
        )
