"""Staff's list of provider organizations: search by name or number, with their managers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.organizations.memberships import MANAGER
from engine.platform.models import Membership, Organization, User


@dataclass(frozen=True)
class ProviderRow:
    """One line of the list: the organization, its manager (if any) and how many people."""

    organization: Organization
    manager: User | None
    people: int


def _like(text: str) -> str:
    # What staff type is matched literally: % and _ are not wildcards to them.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search(session: Session, query: str = "") -> list[ProviderRow]:
    """Return the organizations whose name or number contains `query`, by name."""
    statement = select(Organization).order_by(Organization.name, Organization.id)
    query = query.strip()
    if query:
        pattern = _like(query)
        statement = statement.where(
            or_(
                func.lower(Organization.name).like(pattern, escape="\\"),
                func.lower(Organization.number).like(pattern, escape="\\"),
            )
        )
    organizations = list(session.scalars(statement))
    ids = [o.id for o in organizations]
    counts: dict[int, int] = {
        organization_id: count
        for organization_id, count in session.execute(
            select(Membership.organization_id, func.count(Membership.id))
            .where(Membership.organization_id.in_(ids))
            .group_by(Membership.organization_id)
        )
    }
    managers = {
        m.organization_id: m.user
        for m in session.scalars(
            select(Membership).where(
                Membership.organization_id.in_(ids), Membership.role == MANAGER
            )
        )
    }
    return [ProviderRow(o, managers.get(o.id), counts.get(o.id, 0)) for o in organizations]
