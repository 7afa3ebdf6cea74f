"""The `owe` and `cancel_obligations` actions: what the applicant owes after the event."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.applications.actions.context import ActionContext
from engine.applications.obligations import cancel_open, resync
from engine.runtime.answers import answers_that_count
from engine.runtime.obligations import owed
from engine.spec.model import ActionSpec


def owe(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Create, move or cancel the obligation's rows so they match the current answers."""
    spec = ctx.workflow.obligations[str(action.params["owe"])]
    if ctx.form is None or ctx.today is None:
        raise RuntimeError("the owe action needs the form and today's date")
    # Hidden questions do not count: a date group hidden for a self-paced course owes nothing.
    answers = answers_that_count(ctx.form, ctx.application.answers, ctx.today, ctx.calendar)
    resync(session, ctx.application.id, spec.name, owed(spec, answers, ctx.today, ctx.calendar))


def cancel_obligations(session: Session, action: ActionSpec, ctx: ActionContext) -> None:
    """Cancel what is still open under the obligation (filed reports are kept)."""
    cancel_open(session, ctx.application.id, str(action.params["cancel_obligations"]))
