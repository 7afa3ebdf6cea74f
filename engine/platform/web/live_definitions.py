"""Every request runs on the latest published definitions, without a restart.

Before a request, at most once every DEFINITIONS_REFRESH_SECONDS, the process records the
versions of its own files (once) and then follows the newest published ones: a version
published by `flask definitions publish` or by any other process is in force for new
applications a moment later. One indexed query when nothing changed.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from engine.platform.services import services

log = logging.getLogger(__name__)
_LAST = "formflow.definitions_checked"


def follow_published() -> None:
    """Publish this process's files once, then put the newest published versions in force."""
    svc = services()
    if svc.registry.current is None:
        return  # broken files: `lint` reports them, and the app did not start
    if svc.registry.needs_publishing:
        with svc.db.transaction() as session:
            svc.registry.ensure_published(session)
    # Every later check only reads: one indexed max(id) when nothing changed.
    with svc.db.reading() as session:
        if svc.registry.follow_published(session):
            log.info("definitions: newer published versions are now in force")


def _before_request() -> None:
    every = float(current_app.config["DEFINITIONS_REFRESH_SECONDS"])
    now = time.monotonic()
    last = current_app.extensions.get(_LAST)
    if last is not None and now - last < every:
        return
    current_app.extensions[_LAST] = now
    try:
        follow_published()
    except SQLAlchemyError:
        # The page must still be served on the versions in force; the next request retries.
        log.exception("checking for newer published definitions failed")


def init_live_definitions(app: Flask) -> None:
    """Check for newer published definitions before requests."""
    app.before_request(_before_request)
