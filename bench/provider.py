"""The approved provider the benches populate for: Big Sky Teacher Academy and its manager."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.organizations import memberships as orgs
from engine.platform.models import Organization, User


def big_sky(session: Session) -> tuple[User, Organization]:
    """Add the provider and its account manager, Jordan Rivers; return both."""
    owner = User(email="jordan@bigsky.example.org", name="Jordan Rivers", password_hash="!")
    session.add(owner)
    session.flush()
    provider = orgs.create_organization(session, name="Big Sky Teacher Academy")
    orgs.invite(session, provider, name=owner.name, email=owner.email, role=orgs.MANAGER)
    return owner, provider
