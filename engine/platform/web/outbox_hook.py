"""Deliver the current app's outbox: right after a view's commit (never failing it), or from
the command line and the worker, always with the same senders."""

from __future__ import annotations

import logging

from flask import after_this_request, current_app
from werkzeug.wrappers import Response

from engine.platform.mailer import Mailer, mailer_from_config, max_attempts
from engine.platform.outbox import EMAIL, DeliveryReport, EmailSender, Sender, deliver_pending
from engine.platform.services import services

log = logging.getLogger(__name__)

# Tests and embedding code may put a ready Mailer here instead of configuring one.
MAILER_EXTENSION = "formflow.mailer"
# A request sends only a few; a backlog is the worker's job (`flask outbox deliver`).
REQUEST_LIMIT = 20


def app_mailer() -> Mailer:
    """Return the current app's mailer: an injected one, or one built from its config."""
    injected: Mailer | None = current_app.extensions.get(MAILER_EXTENSION)
    return injected or mailer_from_config(current_app.config)


def app_senders() -> dict[str, Sender]:
    """Return the current app's sender of each kind of outbox message."""
    return {EMAIL: EmailSender(app_mailer(), services().attachments)}


def deliver_app_outbox(limit: int = 100) -> DeliveryReport:
    """Deliver up to `limit` pending messages of the current app; raise what goes wrong."""
    return deliver_pending(
        services().db,
        app_senders(),
        limit=limit,
        max_attempts=max_attempts(current_app.config),
    )


def deliver_after_commit() -> DeliveryReport | None:
    """Deliver pending mail now; log any failure (None), since the change is already saved."""
    try:
        return deliver_app_outbox(REQUEST_LIMIT)
    except Exception:
        # The person's change committed; a mail or database hiccup here must not turn
        # it into an error page. The rows stay pending (or sending) for the worker.
        log.exception("delivering the outbox after a commit failed")
        return None


def deliver_after_response() -> None:
    """Deliver pending mail once the response has gone out, so its timing tells nothing.

    For replies that must not reveal whether an account exists (a reset link, an
    educator's code): sending inside the request would make those replies slower.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def _later(response: Response) -> Response:
        def deliver() -> None:
            with app.app_context():
                deliver_after_commit()

        response.call_on_close(deliver)
        return response
