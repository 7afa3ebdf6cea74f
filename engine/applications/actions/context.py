"""What an action handler is given: the application, the outcome and the means to write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jinja2 import Environment

from engine.accounts.mail import AccountMail
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
    emails: Environment
    base_url: str
    site_name: str
    staff_contact: str
    secret_key: str = ""
    # The answers that count (hidden questions left out), as the guards judged them.
    answers: Mapping[str, Any] = field(default_factory=dict)
    # What obligations are counted from: the form's answers that count, on this day.
    form: FormSpec | None = None
    today: date | None = None
    calendar: Calendar | None = None

    def account_mail(self) -> AccountMail:
        """Return how account emails (invitations) are rendered and signed."""
        return AccountMail(
            emails=self.emails,
            base_url=self.base_url,
            site_name=self.site_name,
            staff_contact=self.staff_contact,
            secret_key=self.secret_key,
        )

    def answer(self, field_id: str | None) -> str:
        """Return a top-level answer as trimmed text ("" when absent or not given)."""
        value = self.answers.get(field_id) if field_id else None
        return value.strip() if isinstance(value, str) else ""
