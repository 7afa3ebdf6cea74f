"""Send pending mail right after a view's transaction commits, without ever failing it."""

from __future__ import annotations

import logging

from flask import current_app

from engine.platform.mailer import Mailer, mailer_from_config
from engine.platform.outbox import DeliveryReport, deliver_pending
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


def deliver_after_commit() -> DeliveryReport | None:
    """Deliver pending mail now; log any failure (None), since the change is already saved."""
    try:
        svc = services()
        return deliver_pending(
            svc.db,
            app_mailer(),
            limit=REQUEST_LIMIT,
            max_attempts=int(current_app.config["MAIL_MAX_ATTEMPTS"]),
            attachments=svc.certificate_files(),
        )
    except Exception:
        # The person's change committed; a mail or database hiccup here must not turn
        # it into an error page. The rows stay pending (or sending) for the worker.
        log.exception("delivering the outbox after a commit failed")
        return None
