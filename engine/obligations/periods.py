"""Keep per-period obligations current: when a new period begins, what it owes appears.

Obligations counted per item (per date) only change when the answers do, through the
`owe` action. Those counted per period (`every:`) also change with time, so the worker
resyncs them each run for applications that already owe something under them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from engine.applications.obligations import resync
from engine.platform.db import Database, get_existing
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, Obligation
from engine.runtime.answers import answers_that_count
from engine.runtime.machine import Calendar
from engine.runtime.obligations import owed


@dataclass
class PeriodReport:
    """How many new period obligations one run created."""

    created: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"Created {self.created}, skipped {self.skipped}."


def renew_periods(
    db: Database, registry: DefinitionRegistry, today: date, calendar: Calendar
) -> PeriodReport:
    """Add the obligations of periods begun by today; one transaction per application."""
    report = PeriodReport()
    with db.reading() as session:
        pairs = session.execute(
            select(Obligation.application_id, Obligation.name)
            .join(Application, Application.id == Obligation.application_id)
            .where(Application.final_at.is_(None))
            .distinct()
            .order_by(Obligation.application_id)
        ).all()
    for application_id, name in pairs:
        try:
            with db.transaction() as session:
                application = get_existing(session, Application, application_id)
                compiled = registry.compiled(
                    application.workflow, application.workflow_version, application.form_version
                )
                spec = compiled.workflow.obligations.get(name)
                # Answers being edited are not settled yet: the `owe` action that ends
                # the edit resyncs them.
                if spec is None or spec.periods is None:
                    continue
                if compiled.workflow.states[application.state].editable:
                    continue
                answers = answers_that_count(compiled.form, application.answers, today, calendar)
                done = resync(session, application_id, name, owed(spec, answers, today, calendar))
                report.created += len(done.created)
        except (IntegrityError, OperationalError):
            # Another worker added the same period at the same moment: it counts, not us.
            report.skipped += 1
    return report
