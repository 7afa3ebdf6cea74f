"""Loading an application for a request, with the access rule every route shares."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import Session, object_session

from engine.runtime.answers import answers_that_count
from engine.runtime.machine import Attempt, Blocker
from engine.spec.model import TransitionSpec
from engine.store import clock
from engine.store.applications import actor_for
from engine.store.definitions import Compiled
from engine.store.models import Application, User
from engine.store.obligations import met_by_name
from engine.web.services import services


def today() -> date:
    """Return today's date in Montana, where the agency's deadlines are counted."""
    return clock.today()


def is_staff() -> bool:
    """Tell whether the signed-in user is agency staff (reviewer or admin)."""
    return bool(current_user.has_role("reviewer") or current_user.has_role("admin"))


def load_case(session: Session, application_id: int) -> tuple[Application, Compiled]:
    """Return an application the signed-in user may see (404 otherwise) and its definitions."""
    application = session.get(Application, application_id)
    if application is None:
        abort(404)
    if application.owner_id != current_user.id and not is_staff():
        # 404, not 403: do not confirm that someone else's application exists.
        abort(404)
    compiled = services().registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    return application, compiled


def db_user(session: Session) -> User:
    """Return the signed-in user's row."""
    user = session.get(User, current_user.id)
    if user is None:
        abort(403)
    return user


def options_for(
    application: Application, compiled: Compiled, user: User
) -> list[tuple[TransitionSpec, list[Blocker]]]:
    """Return the transitions this user's roles allow now, each with why it is blocked."""
    svc = services()
    session = object_session(application)
    attempt = Attempt(
        actor=actor_for(user, application),
        # Guards judge what the applicant can see: an answer to a hidden question is moot.
        answers=answers_that_count(compiled.form, application.answers, today(), svc.calendar),
        today=today(),
        calendar=svc.calendar,
        forms=svc.registry.validators_for(compiled),
        # Buttons are judged like the server judges them, obligations_met included.
        obligations=met_by_name(session, application.id)
        if session is not None and compiled.workflow.obligations
        else {},
    )
    return compiled.machine.options(application.state, attempt)
