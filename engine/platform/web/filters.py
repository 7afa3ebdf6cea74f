"""Template filters: dates and times as Montana readers expect them, and reference numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from engine.platform import clock
from engine.runtime.calendar import MOUNTAIN
from engine.runtime.reference import reference


def localtime(value: datetime | None) -> str:
    """Show a stored UTC time in Mountain Time, e.g. '3 Dec 2025, 2:05 PM MST'."""
    if value is None:
        return ""
    local = value.replace(tzinfo=UTC).astimezone(MOUNTAIN)
    return local.strftime("%-d %b %Y, %-I:%M %p %Z")


def longdate(value: date | None) -> str:
    """Show a date in full, e.g. 'Wednesday 3 December 2025'."""
    if value is None:
        return ""
    return value.strftime("%A %-d %B %Y")


def init_filters(app: Flask) -> None:
    """Register the filters, and today's Montana date for the browser's conditions."""
    app.add_template_filter(localtime)
    app.add_template_filter(longdate)
    app.add_template_filter(reference)

    @app.context_processor
    def today_in_montana() -> dict[str, str]:
        return {"today_iso": clock.today().isoformat()}
