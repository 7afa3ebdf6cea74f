"""The `grant_membership` action: the person named in the answers joins the application's
organization as a user, and is told by email how to sign in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.accounts.mail import queue_invitation
from engine.accounts.users import normalise_email
from engine.applications.actions.context import ActionContext
from engine.organizations import memberships as orgs
from engine.platform.models import Organization, User
from engine.spec.model import ActionSpec, PersonFields


def grant_membership(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Create or link the person's account as a member of the application's organization."""
    spec = action.details
    if not isinstance(spec, PersonFields):
        raise TypeError(f"grant_membership needs PersonFields details, not {spec!r}")
    organization = session.get(Organization, ctx.application.organization_id)
    if organization is None:
        # The loader requires `organization:` and the start page sets it; not having one
        # is a bug, and must not quietly approve without giving access.
        raise orgs.MembershipError("This application is not about any organization.")
    email = ctx.answer(spec.email)
    existing = session.scalar(select(User).where(User.email == normalise_email(email)))
    already = existing is not None and orgs.membership(session, existing.id, organization.id)
    user, new_account = orgs.invite(
        session, organization, name=ctx.answer(spec.name), email=email, role=orgs.MEMBER
    )
    if not already:  # someone who works there already needs no new instructions
        queue_invitation(session, ctx.account_mail(), user, organization, new_account)
