"""Automatic transitions: the system fires a `by: system` move as soon as its guards hold.

The worker runs `fire_automatic` periodically; filing a report calls `advance` at once.
Each move goes through applications.fire with the application's version, so two workers
at once move an application once, and a person acting meanwhile wins or is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.applications.attempts import Case
from engine.applications.moves import Conflict, MoveContext, MoveRequest, fire
from engine.applications.obligations import met_by_application
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import Application
from engine.runtime.answers import answers_that_count
from engine.runtime.machine import SYSTEM, Attempt, Blocked, Calendar, Outcome, blockers

# One run follows a chain of automatic moves (listed -> delivered -> reported) this far.
_MAX_CHAIN = 5


@dataclass
class AutomaticReport:
    """How many automatic moves one run made, and how many it left to another worker."""

    moved: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"Moved {self.moved}, skipped {self.skipped}."


def advance(
    session: Session, context: MoveContext, application_id: int, today: date
) -> Outcome | None:
    """Fire the first `by: system` move whose guards hold now, in the caller's transaction."""
    application = session.get(Application, application_id)
    if application is None:
        return None
    case = Case(
        application,
        context.registry.compiled(
            application.workflow, application.workflow_version, application.form_version
        ),
    )
    for transition in case.compiled.workflow.transitions_from(application.state):
        if "system" not in transition.roles:
            continue
        move = MoveRequest(
            application_id=application_id,
            trigger=transition.trigger,
            user=None,
            expected_version=application.version,
            today=today,
        )
        try:
            return fire(session, move, context, case)
        except Blocked:
            continue  # refused before anything was written; try the next one
    return None


def _movable(
    session: Session, registry: DefinitionRegistry, today: date, calendar: Calendar
) -> list[int]:
    """Return the applications a `by: system` move could leave now, judged in one read.

    The worker passes every 30 seconds; judging here, as `fire` would, means a pass with
    nothing due opens no transaction. `fire` judges again inside the transaction.
    """
    rows = session.execute(
        select(
            Application.id,
            Application.workflow,
            Application.workflow_version,
            Application.form_version,
            Application.state,
        )
        .where(Application.final_at.is_(None))
        .order_by(Application.id)
    ).all()
    candidates = []
    for row in rows:
        compiled = registry.compiled(row.workflow, row.workflow_version, row.form_version)
        moves = [t for t in compiled.workflow.transitions_from(row.state) if "system" in t.roles]
        if moves:
            candidates.append((row.id, compiled, moves))
    if not candidates:
        return []
    ids = [application_id for application_id, _, _ in candidates]
    answers: dict[int, dict[str, Any]] = {
        application_id: data
        for application_id, data in session.execute(
            select(Application.id, Application.answers).where(Application.id.in_(ids))
        )
    }
    met = met_by_application(session, ids)
    found = []
    for application_id, compiled, moves in candidates:
        attempt = Attempt(
            actor=SYSTEM,
            answers=answers_that_count(compiled.form, answers[application_id], today, calendar),
            today=today,
            calendar=calendar,
            forms=registry.validators_for(compiled),
            obligations=met.get(application_id, {}),
        )
        if any(not blockers(t, attempt) for t in moves):
            found.append(application_id)
    return found


def fire_automatic(
    db: Database, registry: DefinitionRegistry, today: date, calendar: Calendar, mail: MailSettings
) -> AutomaticReport:
    """Fire every automatic move that is due, one transaction per move."""
    report = AutomaticReport()
    context = MoveContext(registry=registry, calendar=calendar, mail=mail)
    with db.reading() as session:
        ids = _movable(session, registry, today, calendar)
    for application_id in ids:
        for _ in range(_MAX_CHAIN):
            try:
                with db.transaction() as session:
                    outcome = advance(session, context, application_id, today)
            except (Conflict, OperationalError):
                # Someone moved it meanwhile; or, on SQLite, another worker wrote after this
                # one began reading ("database is locked"). Nothing was written: next run.
                report.skipped += 1
                break
            if outcome is None:
                break
            report.moved += 1
    return report
