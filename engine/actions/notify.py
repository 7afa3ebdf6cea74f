"""The `notify` action: render an email template and write it to the outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.actions.context import ActionContext
from engine.spec.model import ActionSpec
from engine.store.models import OutboxMessage, User


def recipients(session: Session, target: str, ctx: ActionContext) -> list[str]:
    """Return the addresses a notify target names."""
    if target == "applicant":
        return [ctx.application.owner.email]
    role = {"reviewers": "reviewer", "admins": "admin"}[target]
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return sorted(u.email for u in users if u.has_role(role))


def render(ctx: ActionContext, template: str, to: str) -> tuple[str, str]:
    """Render emails/<template>.txt; its first line is 'Subject: ...'."""
    app = ctx.application
    state = ctx.workflow.states[app.state]
    text = ctx.emails.get_template(f"emails/{template}.txt").render(
        application=app,
        reference=f"{app.id:06d}",
        title=app.title or ctx.workflow.title,
        workflow=ctx.workflow,
        state=state,
        comment=ctx.outcome.comment,
        recipient=to,
        link=f"{ctx.base_url}/applications/{app.id}",
        site_name=ctx.site_name,
        staff_contact=ctx.staff_contact,
        due_on=app.due_on,
    )
    first, _, body = text.partition("\n")
    subject = first.removeprefix("Subject:").strip()
    return subject, body.lstrip("\n")


def notify(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Write one outbox row per recipient, in the caller's transaction."""
    template = str(action.params["template"])
    for to in recipients(session, str(action.params["notify"]), ctx):
        subject, body = render(ctx, template, to)
        session.add(
            OutboxMessage(
                application_id=ctx.application.id,
                template=template,
                to_addr=to,
                subject=subject,
                body=body,
            )
        )
