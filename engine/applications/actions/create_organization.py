"""The `create_organization` action: an approved registration becomes an organization,
with its account manager and users, each told by email how to sign in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.accounts.mail import queue_invitation
from engine.accounts.users import normalise_email
from engine.applications.actions.context import ActionContext
from engine.organizations import memberships as orgs
from engine.spec.model import ActionSpec, NewOrganization, PeopleGroup


def create_organization(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Create the organization named in the answers, once, and invite its people."""
    spec = action.details
    if not isinstance(spec, NewOrganization):
        raise TypeError(f"create_organization needs NewOrganization details, not {spec!r}")
    application = ctx.application
    # Idempotent: an application linked to an organization already made (or is about) one.
    if application.organization_id is not None:
        return
    organization = orgs.create_organization(
        session,
        name=ctx.answer(spec.name),
        email=ctx.answer(spec.email),
        phone=ctx.answer(spec.phone),
        website=ctx.answer(spec.website),
        prefix=spec.prefix,
        digits=spec.digits,
        source_application_id=application.id,
    )
    session.flush()
    application.organization_id = organization.id
    people = [(ctx.answer(spec.manager.name), ctx.answer(spec.manager.email), orgs.MANAGER)]
    people += [(name, email, orgs.MEMBER) for name, email in _group_people(spec.users, ctx)]
    invited: set[str] = set()
    for name, email, role in people:
        # The organization is new, so each person is added once: the manager comes first
        # and stays manager even when also listed among the users.
        if normalise_email(email) in invited:
            continue
        invited.add(normalise_email(email))
        user, new_account = orgs.invite(session, organization, name=name, email=email, role=role)
        queue_invitation(session, ctx.account_mail(), user, organization, new_account)


def _group_people(group: PeopleGroup | None, ctx: ActionContext) -> list[tuple[str, str]]:
    if group is None:
        return []
    items = ctx.answers.get(group.group)
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        if isinstance(item, Mapping):
            name, email = _text(item, group.person.name), _text(item, group.person.email)
            if name and email:
                found.append((name, email))
    return found


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""
