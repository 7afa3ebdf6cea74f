"""Error pages: the 4xx pages, a friendly 500, and one mapping of domain refusals to pages."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.platform.clock import utcnow

log = logging.getLogger(__name__)

# The 4xx statuses with a page of their own in templates/errors/.
HTTP_PAGES = (400, 403, 404, 413, 429)
# Shown when even the 500 page cannot be drawn (say the database is down, which the
# layout needs to know who is signed in).
BARE_500 = "Something went wrong on our side. Please try again in a few minutes. Reference: {}"


@dataclass(frozen=True)
class ErrorPage:
    """How a domain exception that no view handles is shown: status, title and message."""

    status: int
    title: str
    # None: the exception's own words, written for the person who caused it.
    message: str | None = None


def init_errors(app: Flask, domain: Mapping[type[Exception], ErrorPage]) -> None:
    """Register the 4xx pages, the 500 page and a page for each domain exception."""
    for code in HTTP_PAGES:
        app.register_error_handler(code, http_page)
    app.register_error_handler(InternalServerError, server_error)
    for exception, page in domain.items():
        app.register_error_handler(exception, _refusal_handler(page))


def http_page(error: HTTPException) -> tuple[str, int]:
    """Render the page of a 4xx status."""
    code = error.code or 500
    return render_template(f"errors/{code}.html", error=error), code


def server_error(error: InternalServerError) -> tuple[str, int]:
    """Render the 500 page: no detail of the failure, a reference to find it in the log."""
    reference = secrets.token_hex(4)
    # Flask has logged the traceback just before; this line ties the page to it.
    log.error("500 page %s for %s %s", reference, request.method, request.path)
    try:
        page = render_template("errors/500.html", reference=reference, when=utcnow())
    except Exception:
        log.exception("the 500 page %s could not be drawn", reference)
        return BARE_500.format(reference), 500
    return page, 500


def _refusal_handler(page: ErrorPage) -> Callable[[Exception], tuple[str, int]]:
    def handle(error: Exception) -> tuple[str, int]:
        message = page.message if page.message is not None else str(error)
        args = request.view_args or {}
        html = render_template(
            "errors/refused.html",
            title=page.title,
            message=message,
            application_id=args.get("application_id"),
        )
        return html, page.status

    return handle
