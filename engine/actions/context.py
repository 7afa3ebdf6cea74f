"""What an action handler is given: the application, the outcome and the means to write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jinja2 import Environment

from engine.runtime.machine import Calendar, Outcome
from engine.spec.model import FormSpec, WorkflowSpec
from engine.store.models import Application, User


@dataclass(frozen=True)
class ActionContext:
    """Everything a handler may read; handlers write only through the session."""

    application: Application
    workflow: WorkflowSpec
    outcome: Outcome
    actor: User | None
    emails: Environment
    base_url: str
    site_name: str
    staff_contact: str
    # What obligations are counted from: the form's answers that count, on this day.
    form: FormSpec | None = None
    today: date | None = None
    calendar: Calendar | None = None
