"""Assigning an application to a reviewer: a compare-and-set, recorded in its history.

The write is conditional on the assignee the person saw, not on the version counter:
so two reviewers assigning at once cannot silently overwrite each other, and taking a
case on does not make a colleague's open decision page stale.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.applications.moves import Conflict
from engine.platform.models import Application, AuditEvent, User
from engine.review.queue import STAFF_ROLES

# The audit triggers of an assignment. The colon keeps them apart from every workflow
# trigger (those are identifiers); from_state = to_state, no snapshot and no comment, so
# nothing that reads history for decisions or messages mistakes one for them.
ASSIGN = "staff:assign"
UNASSIGN = "staff:unassign"


class NotStaff(Exception):
    """Only an active reviewer or admin can be given an application."""


def staff_members(session: Session) -> list[User]:
    """Return every active reviewer and admin, by name."""
    candidates = session.scalars(
        select(User)
        .where(User.active, or_(*(User.roles.contains(role) for role in STAFF_ROLES)))
        .order_by(User.name, User.email)
    )
    # `contains` on the comma-separated column is only a first sieve.
    return [u for u in candidates if u.role_set() & STAFF_ROLES]


def assign(
    session: Session,
    application_id: int,
    assignee_id: int | None,
    actor: User,
    expected: int | None,
) -> bool:
    """Give the application to `assignee_id` (None: to nobody) if it is still `expected`'s.

    Return whether anything changed; raise Conflict if someone else assigned it
    meanwhile, NotStaff if the assignee is not an active reviewer or admin, and
    LookupError if there is no such application.
    """
    assignee = None if assignee_id is None else session.get(User, assignee_id)
    if assignee_id is not None and (
        assignee is None or not assignee.active or not assignee.role_set() & STAFF_ROLES
    ):
        raise NotStaff(assignee_id)
    was = (
        Application.assigned_to_id.is_(None)
        if expected is None
        else Application.assigned_to_id == expected
    )
    result = session.execute(
        update(Application)
        .where(Application.id == application_id, was)
        .values(assigned_to_id=assignee_id)
        .execution_options(synchronize_session=False)
    )
    application = session.get(Application, application_id)
    if application is None:
        raise LookupError(application_id)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict()
    session.refresh(application)
    if assignee_id == expected:
        return False
    session.add(
        AuditEvent(
            application_id=application_id,
            actor_id=actor.id,
            trigger=UNASSIGN if assignee_id is None else ASSIGN,
            from_state=application.state,
            to_state=application.state,
            assignee_id=assignee_id,
            workflow_version=application.workflow_version,
            form_version=application.form_version,
        )
    )
    session.flush()
    return True
