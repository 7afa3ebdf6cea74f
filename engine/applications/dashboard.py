"""What a person's dashboard lists: their applications, their organization's shared ones,
and, for an account manager, those about the organization waiting for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from engine.organizations.memberships import MANAGER
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, Membership, Organization
from engine.spec.model import StateSpec, WorkflowSpec


@dataclass(frozen=True)
class DashboardRow:
    """One application as listed, with the organization it is for or about."""

    application: Application
    workflow: WorkflowSpec
    state: StateSpec
    organization: Organization | None


@dataclass(frozen=True)
class Dashboard:
    """The rows of one person's dashboard."""

    organization: Organization | None
    mine: list[DashboardRow] = field(default_factory=list)
    waiting: list[DashboardRow] = field(default_factory=list)


def manager_states(workflow: WorkflowSpec) -> set[str]:
    """Return the states in which the account manager has a move to make."""
    return {s for t in workflow.transitions if "manager" in t.roles for s in t.sources}


def build_dashboard(
    session: Session,
    registry: DefinitionRegistry,
    user_id: int,
    membership: Membership | None,
    member_of: frozenset[int] = frozenset(),
) -> Dashboard:
    """Return the dashboard of a user working for `membership`'s organization (or none).

    `member_of` holds every organization the user works for: an organization's own
    application they started stays listed only while they work there.
    """
    organization = membership.organization if membership else None
    is_manager = membership is not None and membership.role == MANAGER
    flows = [registry.latest(name).workflow for name in registry.workflow_names()]
    shown: list[ColumnElement[bool]] = [Application.owner_id == user_id]
    if organization is not None:
        shared = [w.name for w in flows if w.organization == "member"]
        waiting = [
            and_(Application.workflow == w.name, Application.state.in_(manager_states(w)))
            for w in flows
            if w.organization == "chosen" and manager_states(w) and is_manager
        ]
        ours = Application.organization_id == organization.id
        if shared:
            shown.append(and_(ours, Application.workflow.in_(shared)))
        if waiting:
            shown.append(and_(ours, or_(*waiting)))
    rows = session.execute(
        select(Application, Organization)
        .outerjoin(Organization, Application.organization_id == Organization.id)
        .where(or_(*shown))
        .order_by(Application.id.desc())
    ).all()
    board = Dashboard(organization)
    for application, about in rows:
        flow = registry.compiled(
            application.workflow, application.workflow_version, application.form_version
        ).workflow
        row = DashboardRow(application, flow, flow.states[application.state], about)
        if flow.organization == "member":
            if application.organization_id in member_of:
                board.mine.append(row)
        elif application.owner_id == user_id:
            board.mine.append(row)
        elif is_manager and application.state in manager_states(flow):
            # Checked on the version the application is pinned to, not the latest one.
            board.waiting.append(row)
    return board
