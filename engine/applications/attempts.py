"""The attempt a move is judged on, built one way for the buttons shown and the move fired.

The machine promises that a button is shown exactly when the server would accept it;
that holds only while both judge the same attempt, so both build it here.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from engine.applications.obligations import met_by_name
from engine.organizations.memberships import role_in
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.models import Application, User
from engine.platform.roles import STAFF_ROLES
from engine.runtime.answers import answers_that_count
from engine.runtime.machine import SYSTEM, Actor, Attempt, Blocker, Calendar
from engine.spec.model import TransitionSpec, WorkflowSpec


class Case(NamedTuple):
    """An application and the definitions it is pinned to, loaded once per request."""

    application: Application
    compiled: Compiled


def actor_for(
    session: Session, user: User | Any, application: Application, workflow: WorkflowSpec
) -> Actor:
    """Return the actor a signed-in user is for one application."""
    roles = user.role_set() if hasattr(user, "role_set") else frozenset(user.roles)
    is_owner = application.owner_id == user.id
    org_role = role_in(session, user.id, application.organization_id)
    if is_owner or org_role is not None:
        # Segregation of duties: nobody decides an application they filed, or one for an
        # organization they belong to, whatever staff roles their account also holds.
        roles = roles - STAFF_ROLES
    return Actor(
        user_id=user.id,
        roles=roles,
        is_owner=is_owner,
        org_role=org_role,
        org_shared=workflow.organization == "member",
    )


def actor_of(session: Session, case: Case, user: User | None) -> Actor:
    """Return the actor a user is for a case; no user means the system (the worker)."""
    if user is None:
        return SYSTEM
    return actor_for(session, user, case.application, case.compiled.workflow)


def attempt_for(
    session: Session,
    case: Case,
    actor: Actor,
    *,
    registry: DefinitionRegistry,
    calendar: Calendar,
    today: date,
    comment: str = "",
    reason: str = "",
    override_reason: str = "",
) -> Attempt:
    """Return what a move by this actor on this case is judged on, today."""
    application, compiled = case
    return Attempt(
        actor=actor,
        # Guards judge what the applicant can see: an answer to a hidden question is moot.
        answers=answers_that_count(compiled.form, application.answers, today, calendar),
        today=today,
        comment=comment,
        calendar=calendar,
        forms=registry.validators_for(compiled),
        obligations=met_by_name(session, application.id) if compiled.workflow.obligations else {},
        reason=reason,
        override_reason=override_reason,
    )


def offered(
    session: Session,
    case: Case,
    user: User | None,
    *,
    registry: DefinitionRegistry,
    calendar: Calendar,
    today: date,
) -> list[tuple[TransitionSpec, list[Blocker]]]:
    """Return the transitions this user's roles allow now, each with why it is blocked."""
    actor = actor_of(session, case, user)
    attempt = attempt_for(session, case, actor, registry=registry, calendar=calendar, today=today)
    return case.compiled.machine.options(case.application.state, attempt)
