"""Filing an obligation's report: judge the answers, store them, move the application on.

The report page, the scenario runner and the demo loader all file through `judge_and_file`,
so a report is refused, stored and followed by the same automatic move wherever it comes
from. It works in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.applications import obligations as owed
from engine.applications.automatic import advance
from engine.applications.moves import Conflict, MoveContext
from engine.certificates import issued as certs
from engine.platform.db import get_existing
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import Application, Obligation
from engine.runtime import reconcile
from engine.runtime.machine import Calendar
from engine.runtime.validation import AnswerError


@dataclass(frozen=True)
class Filing:
    """What filing came to: the problems (and nothing stored), or none and the report filed."""

    problems: tuple[AnswerError, ...] = ()

    @property
    def filed(self) -> bool:
        """Tell whether the report was stored."""
        return not self.problems


def judge_and_file(
    session: Session,
    registry: DefinitionRegistry,
    obligation: Obligation,
    answers: Mapping[str, Any],
    user_id: int,
    today: date,
    calendar: Calendar,
    mail: MailSettings,
) -> Filing:
    """Check a report against its form and the certificates issued; if good, file it.

    Raises owed.NotOpen when the obligation was filed or cancelled meanwhile, or cannot
    be filed yet.
    """
    application = get_existing(session, Application, obligation.application_id)
    compiled = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    spec = compiled.workflow.obligations[obligation.name]
    form, validator = registry.form(spec.form)
    problems = validator.validate(answers, today, calendar=calendar)
    # A count unlike the certificates issued in the system needs a reason.
    issued = certs.issued_for_report(session, spec, obligation)
    checked = None
    if spec.reconcile is not None and issued is not None:
        problems = [
            *problems,
            *reconcile.errors(spec.reconcile, answers, issued, obligation.key, problems),
        ]
        checked = reconcile.checked(spec.reconcile, answers, issued)
    if problems:
        return Filing(tuple(problems))
    owed.file_report(
        session,
        obligation,
        answers,
        form.version,
        user_id,
        application.state,
        application,
        today,
        checked,
    )
    context = MoveContext(registry=registry, calendar=calendar, mail=mail)
    try:
        # The last report owed moves the application on at once. A savepoint: if someone
        # changed the application meanwhile, the report stands and the worker moves it later.
        with session.begin_nested():
            advance(session, context, application.id, today)
    except Conflict:
        pass
    return Filing()
