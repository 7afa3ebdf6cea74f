"""What an action handler is given: the application, the outcome and the means to write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.platform.mail import MailSettings
from engine.platform.models import Application, User
from engine.runtime.machine import Calendar, Outcome
from engine.spec.model import FormSpec, WorkflowSpec


@dataclass(frozen=True)
class ActionContext:
    """Everything a handler may read; handlers write only through the session."""

    application: Application
    workflow: WorkflowSpec
    outcome: Outcome
    actor: User | None
    # How emails are rendered, linked and signed (notify, invitations).
    mail: MailSettings
    # The answers that count (hidden questions left out), as the guards judged them.
    answers: Mapping[str, Any] = field(default_factory=dict)
    # What obligations are counted from: the form's answers that count, on this day.
    form: FormSpec | None = None
    today: date | None = None
    calendar: Calendar | None = None

    def answer(self, field_id: str | None) -> str:
        """Return a top-level answer as trimmed text ("" when absent or not given)."""
        value = self.answers.get(field_id) if field_id else None
        return value.strip() if isinstance(value, str) else ""
