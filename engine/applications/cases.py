"""Loading an application for a request, with the access rule every route shares."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import Session

from engine.applications.attempts import Case, actor_for, offered
from engine.organizations import memberships as orgs
from engine.platform import clock
from engine.platform.definitions import Compiled
from engine.platform.models import Application, User
from engine.platform.services import services
from engine.runtime.machine import Blocker
from engine.spec.model import TransitionSpec


def today() -> date:
    """Return today's date in Montana, where the agency's deadlines are counted."""
    return clock.today()


def is_staff() -> bool:
    """Tell whether the signed-in user is agency staff (reviewer or admin)."""
    return bool(current_user.has_role("reviewer") or current_user.has_role("admin"))


def load_case(session: Session, application_id: int) -> Case:
    """Return an application the signed-in user may see (404 otherwise) and its definitions."""
    application = session.get(Application, application_id)
    if application is None:
        abort(404)
    compiled = services().registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    if not may_see(session, application, compiled):
        # 404, not 403: do not confirm that someone else's application exists.
        abort(404)
    return Case(application, compiled)


def may_see(session: Session, application: Application, compiled: Compiled) -> bool:
    """Tell whether the signed-in user may see an application.

    Staff see everything. An organization's own applications (`organization: member`) are
    seen by the people who work for it now, and by nobody else. Other applications are
    seen by their owner and, once sent, by the account manager of the organization they
    are about (`organization: chosen`). A user of one provider never sees another
    provider's records.
    """
    if is_staff():
        return True
    mode = compiled.workflow.organization
    role = orgs.role_in(session, current_user.id, application.organization_id) if mode else None
    if mode == "member":  # the provider's records, not its starter's: even after they leave
        return role is not None
    if application.owner_id == current_user.id:
        return True
    if mode == "chosen":
        return role == orgs.MANAGER and application.state != compiled.workflow.initial
    return False


def db_user(session: Session) -> User:
    """Return the signed-in user's row."""
    user = session.get(User, current_user.id)
    if user is None:
        abort(403)
    return user


def options_for(
    session: Session, application: Application, compiled: Compiled, user: User
) -> list[tuple[TransitionSpec, list[Blocker]]]:
    """Return the transitions this user's roles allow now, each with why it is blocked."""
    svc = services()
    # Judged like the server judges a move (see attempts), obligations_met included.
    return offered(
        session,
        Case(application, compiled),
        user,
        registry=svc.registry,
        calendar=svc.calendar,
        today=today(),
    )


def plays_applicant(session: Session, application: Application, compiled: Compiled) -> bool:
    """Tell whether the signed-in user fills this application in (owner, or fellow member)."""
    return actor_for(session, current_user, application, compiled.workflow).plays("applicant")
