"""The organization a signed-in person is working for now (the provider switcher).

The choice lives in the signed session, so it holds across pages and requests, and it is
checked against the person's memberships on every request: a stale or forged choice
falls back to their first organization, never to someone else's.
"""

from __future__ import annotations

from flask import g, session
from flask_login import current_user

from engine.organizations import memberships as orgs
from engine.platform.models import Membership, Organization
from engine.platform.services import services

SESSION_KEY = "organization_id"


def current_membership() -> Membership | None:
    """Return the signed-in person's membership of the organization they work for now."""
    if "current_membership" in g:
        found: Membership | None = g.current_membership
        return found
    found = None
    if current_user.is_authenticated:
        with services().db.reading() as db_session:
            rows = orgs.memberships_of(db_session, current_user.id)
            chosen = session.get(SESSION_KEY)
            found = next((m for m in rows if m.organization_id == chosen), None)
            if found is None and rows:
                found = rows[0]
            g.my_memberships = rows
    g.current_membership = found
    return found


def current_organization() -> Organization | None:
    """Return the organization the signed-in person works for now, if any."""
    found = current_membership()
    return found.organization if found else None


def my_memberships() -> list[Membership]:
    """Return every organization the signed-in person works for (for the switcher)."""
    current_membership()
    rows: list[Membership] = g.get("my_memberships", [])
    return rows


def choose(organization_id: int) -> bool:
    """Switch to this organization if the person works for it; tell whether it worked."""
    if not any(m.organization_id == organization_id for m in my_memberships()):
        return False
    session[SESSION_KEY] = organization_id
    g.pop("current_membership", None)
    return True
